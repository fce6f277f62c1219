"""The handbook's performance metrics (chapter 4): AUC ROC, average precision, card precision top-k."""
import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score


def card_precision_top_k(day, customer, label, score, k=100):
    """Per day: each card's highest score and whether it had a fraud, cards found in earlier days' top k
    removed; precision of the day's top k cards; mean over days."""
    detected = set()
    per_day = []
    for d in np.unique(day):
        rows = np.flatnonzero(day == d)
        cards = {}
        for r in rows:
            c = int(customer[r])
            if c in detected:
                continue
            s, f = cards.get(c, (-np.inf, 0))
            cards[c] = (max(s, float(score[r])), max(f, int(label[r])))
        ranked = sorted(cards.items(), key=lambda kv: -kv[1][0])[:k]
        found = [c for c, (_, f) in ranked if f == 1]
        detected.update(found)
        per_day.append(len(found) / k)
    return float(np.mean(per_day)) if per_day else float("nan")


def metrics(day, customer, label, score, k=100):
    return {
        "auc_roc": float(roc_auc_score(label, score)),
        "average_precision": float(average_precision_score(label, score)),
        "card_precision_at_100": card_precision_top_k(day, customer, label, score, k),
    }
