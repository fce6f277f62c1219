/**
 * X-Ray on every function and topic. RamPay's own functions and topics turn tracing on where they are declared
 * (service-function.ts, the messaging stack); this aspect reaches the functions CDK adds for its custom resources
 * (a VPC's default security group, triggers), which take no tracing setting: it turns their tracing on and gives
 * their role the X-Ray write permission, before the function is created (Lambda refuses active tracing to a role
 * that cannot write segments). SnsTracingPolicy lets SNS write the segments of the topics' deliveries.
 */
import { CfnResource, Stack, Validations, type IAspect } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as xray from 'aws-cdk-lib/aws-xray';
import { Construct, type IConstruct } from 'constructs';

const XRAY_WRITE = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'];

export class ActiveTracing implements IAspect {
  visit(node: IConstruct): void {
    if (!(node instanceof CfnResource) || node.cfnResourceType !== 'AWS::Lambda::Function') return;
    const properties = (node as unknown as { _cfnProperties?: Record<string, unknown> })._cfnProperties;
    // lambda.Function (and NodejsFunction) render tracing themselves; only CDK's raw provider handlers need this.
    if (!properties || properties.TracingConfig !== undefined) return;
    const scope = node.node.scope;
    const role = scope?.node.tryFindChild('Role');
    if (!scope || !(role instanceof CfnResource) || role.cfnResourceType !== 'AWS::IAM::Role') return;
    node.addPropertyOverride('TracingConfig.Mode', 'Active');
    const policy = new iam.CfnPolicy(scope as Construct, 'XRayWrite', {
      policyName: 'xray-write',
      roles: [role.ref],
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: XRAY_WRITE, Resource: '*' }],
      },
    });
    node.addResourceDependency(policy);
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions.',
    });
  }
}

/** X-Ray's resource policy that lets SNS send the segments of this environment's traced topics. */
export class SnsTracingPolicy extends Construct {
  constructor(scope: Construct, id: string, props: { environment: string }) {
    super(scope, id);
    const { account, region, partition } = Stack.of(this);
    new xray.CfnResourcePolicy(this, 'Policy', {
      policyName: `rampay-${props.environment}-sns-tracing`,
      policyDocument: Stack.of(this).toJsonString({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'SnsActiveTracing',
            Effect: 'Allow',
            Principal: { Service: 'sns.amazonaws.com' },
            Action: ['xray:PutTraceSegments', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'],
            Resource: '*',
            Condition: {
              StringEquals: { 'aws:SourceAccount': account },
              ArnLike: {
                'aws:SourceArn': `arn:${partition}:sns:${region}:${account}:rampay-${props.environment}-*`,
              },
            },
          },
        ],
      }),
    });
  }
}
