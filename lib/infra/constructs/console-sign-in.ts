import { Duration, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { MERCHANT_GROUP, OPERATOR_GROUP, SCOPES } from '../../../functions/shared/http/auth';

export interface ConsoleSignInProps {
  pool: cognito.UserPool;
  resourceServer: cognito.UserPoolResourceServer;
  /** The console's address (its CloudFront distribution), where the hosted UI sends the browser back. */
  consoleUrl: string;
}

/**
 * Sign-in to the console through the user pool's hosted UI: a public app client (no secret) for the
 * authorization code grant with PKCE, back to the console's address, and the two groups users belong to. Merchant
 * staff carry their merchant in the custom:merchant_id attribute; the pre-token trigger keeps the operators'
 * scope for the operator group only.
 */
export class ConsoleSignIn extends Construct {
  readonly client: cognito.UserPoolClient;

  constructor(scope: Construct, id: string, props: ConsoleSignInProps) {
    super(scope, id);
    const callback = `${props.consoleUrl}/`;
    this.client = props.pool.addClient('ConsoleClient', {
      userPoolClientName: 'rampay-console',
      generateSecret: false,
      authFlows: {},
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: SCOPES.map((s) =>
          cognito.OAuthScope.resourceServer(props.resourceServer, { scopeName: s, scopeDescription: s }),
        ),
        callbackUrls: [callback],
        logoutUrls: [callback],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      accessTokenValidity: Duration.minutes(60),
      idTokenValidity: Duration.minutes(60),
      refreshTokenValidity: Duration.hours(8),
      preventUserExistenceErrors: true,
    });
    new cognito.CfnUserPoolGroup(this, 'MerchantGroup', {
      userPoolId: props.pool.userPoolId,
      groupName: MERCHANT_GROUP,
      description: "A merchant's staff: the console's payments, reviews and analytics of their merchant",
    });
    new cognito.CfnUserPoolGroup(this, 'OperatorGroup', {
      userPoolId: props.pool.userPoolId,
      groupName: OPERATOR_GROUP,
      description: "RamPay's fraud operators: the review queue across merchants",
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-COG7',
      reason: 'No identity pool: the console calls the API with the user pool access token only.',
    });
  }
}
