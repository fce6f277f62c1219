import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { plainRemovalPolicy, type RamPayStackProps } from './names';

/**
 * The VPC: private subnets for the functions that reach the database ("app") and for the database itself
 * ("data"), interface endpoints for every AWS API those functions call, and flow logs. With natGateways 0
 * (the default everywhere) nothing in it can reach the internet at all.
 */
export class NetworkStack extends Stack {
  readonly vpc: ec2.Vpc;
  /** Where VPC-attached functions run. */
  readonly appSubnets: ec2.SubnetSelection;
  /** Where the database and its proxy live. */
  readonly dataSubnets: ec2.SubnetSelection;

  constructor(scope: Construct, id: string, props: RamPayStackProps) {
    super(scope, id, props);
    const { network } = props.config;
    const withNat = network.natGateways > 0;

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(network.cidr),
      maxAzs: network.maxAzs,
      natGateways: network.natGateways,
      restrictDefaultSecurityGroup: true,
      subnetConfiguration: [
        ...(withNat ? [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 }] : []),
        {
          name: 'app',
          subnetType: withNat ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PRIVATE_ISOLATED,
          cidrMask: 22,
        },
        { name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
    });
    this.appSubnets = { subnetGroupName: 'app' };
    this.dataSubnets = { subnetGroupName: 'data' };

    const flowLogs = new logs.LogGroup(this, 'FlowLogs', {
      retention: network.flowLogRetentionDays as logs.RetentionDays,
      removalPolicy: plainRemovalPolicy(props.config),
    });
    this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });

    // The APIs the functions call from inside the VPC. Lambda's own log delivery and the event source mappings
    // go through the Lambda service, not the function's network, and no function calls the SQS API itself
    // (mappings poll for them), so neither logs nor SQS need one. X-Ray gets one so that active tracing never
    // depends on a route to the internet.
    const endpoints: Record<string, ec2.InterfaceVpcEndpointAwsService> = {
      SecretsManager: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER, // database credentials
      Sns: ec2.InterfaceVpcEndpointAwsService.SNS, // event publishing, SMS
      Email: ec2.InterfaceVpcEndpointAwsService.EMAIL, // SES API v2 (notifications)
      XRay: ec2.InterfaceVpcEndpointAwsService.XRAY, // active tracing
    };
    for (const [name, service] of Object.entries(endpoints)) {
      const endpoint = this.vpc.addInterfaceEndpoint(name, {
        service,
        subnets: this.appSubnets,
        privateDnsEnabled: true,
        open: false,
      });
      // HTTPS from inside the VPC only. The literal CIDR (not the VPC's CidrBlock attribute) keeps the rule
      // checkable by cdk-nag's EC23.
      endpoint.connections.allowFrom(ec2.Peer.ipv4(network.cidr), ec2.Port.tcp(443), 'HTTPS from the VPC');
    }
  }
}
