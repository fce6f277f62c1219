"""Hand export of a fitted binary HistGradientBoostingClassifier (scikit-learn 1.2) to an ai.onnx.ml
TreeEnsembleClassifier with python3-onnx (no skl2onnx on Debian).

The model's raw score is baseline log-odds + the sum of the trees' leaf values (the learning rate is already
applied to the leaves), and predict_proba is its logistic. ONNX evaluates on float32 inputs with float32
thresholds, so every threshold is rounded DOWN to the largest float32 not above it: for a float32 input x,
`x <= t` (float64) and `x <= floor32(t)` (float32) then decide alike, and predictions on float32 data agree
with scikit-learn up to float32 summation of the leaves.
"""
import numpy as np
import onnx
from onnx import TensorProto, helper

INPUT_NAME = "features"
OUTPUTS = ("label", "probabilities")


def floor32(value):
    f = np.float32(value)
    if float(f) > float(value):
        f = np.nextafter(f, np.float32(-np.inf), dtype=np.float32)
    return float(f)


def hgb_to_onnx(model, n_features, doc_string=""):
    if len(model.classes_) != 2:
        raise ValueError("only binary classifiers are exported")
    if getattr(model, "is_categorical_", None) is not None and np.any(model.is_categorical_):
        raise ValueError("categorical splits are not exported")
    attrs = {k: [] for k in (
        "nodes_treeids", "nodes_nodeids", "nodes_featureids", "nodes_modes", "nodes_values",
        "nodes_truenodeids", "nodes_falsenodeids", "nodes_missing_value_tracks_true",
        "class_treeids", "class_nodeids", "class_ids", "class_weights")}
    for tree_id, per_class in enumerate(model._predictors):
        if len(per_class) != 1:
            raise ValueError("expected one tree per iteration for a binary model")
        nodes = per_class[0].nodes
        for node_id, node in enumerate(nodes):
            attrs["nodes_treeids"].append(tree_id)
            attrs["nodes_nodeids"].append(node_id)
            if node["is_leaf"]:
                attrs["nodes_featureids"].append(0)
                attrs["nodes_modes"].append("LEAF")
                attrs["nodes_values"].append(0.0)
                attrs["nodes_truenodeids"].append(0)
                attrs["nodes_falsenodeids"].append(0)
                attrs["nodes_missing_value_tracks_true"].append(0)
                attrs["class_treeids"].append(tree_id)
                attrs["class_nodeids"].append(node_id)
                attrs["class_ids"].append(0)
                attrs["class_weights"].append(float(node["value"]))
            else:
                attrs["nodes_featureids"].append(int(node["feature_idx"]))
                attrs["nodes_modes"].append("BRANCH_LEQ")
                attrs["nodes_values"].append(floor32(node["num_threshold"]))
                attrs["nodes_truenodeids"].append(int(node["left"]))
                attrs["nodes_falsenodeids"].append(int(node["right"]))
                attrs["nodes_missing_value_tracks_true"].append(int(node["missing_go_to_left"]))
    baseline = float(np.ravel(model._baseline_prediction)[0])
    tree_node = helper.make_node(
        "TreeEnsembleClassifier", [INPUT_NAME], list(OUTPUTS), domain="ai.onnx.ml",
        classlabels_int64s=[0, 1], post_transform="LOGISTIC", base_values=[baseline], **attrs)
    graph = helper.make_graph(
        [tree_node], "rampay_fraud",
        [helper.make_tensor_value_info(INPUT_NAME, TensorProto.FLOAT, [None, n_features])],
        [helper.make_tensor_value_info("label", TensorProto.INT64, [None]),
         helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [None, 2])])
    onnx_model = helper.make_model(
        graph, producer_name="rampay-models", doc_string=doc_string,
        opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("ai.onnx.ml", 3)])
    onnx_model.ir_version = 8
    onnx.checker.check_model(onnx_model)
    return onnx_model
