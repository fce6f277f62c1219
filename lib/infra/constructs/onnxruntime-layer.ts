import { AssetHashType, DockerImage, RemovalPolicy } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import path from 'node:path';
import { buildLayer, LAYER_BUILD, onnxRuntimeVersion } from '../../../layers/onnxruntime/build';
import { REPO_ROOT } from '../config/functions';

/**
 * The onnxruntime-node layer for arm64 Lambda functions, built locally from the installed package (no Docker,
 * no download): one platform only, so it stays around 25 MB unzipped against Lambda's 250 MB limit.
 */
export class OnnxRuntimeLayer extends Construct {
  readonly layer: lambda.LayerVersion;

  constructor(scope: Construct, id: string, props: { removalPolicy?: RemovalPolicy } = {}) {
    super(scope, id);
    const version = onnxRuntimeVersion();
    this.layer = new lambda.LayerVersion(this, 'Layer', {
      description: `onnxruntime-node ${version} (linux/arm64 CPU only)`,
      compatibleRuntimes: [lambda.Runtime.NODEJS_22_X],
      compatibleArchitectures: [lambda.Architecture.ARM_64],
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
      code: lambda.Code.fromAsset(path.join(REPO_ROOT, 'layers', 'onnxruntime'), {
        // The content is a function of the package version and the build script, not of this folder's files.
        assetHashType: AssetHashType.CUSTOM,
        assetHash: `onnxruntime-node-${version}-linux-arm64-${LAYER_BUILD}`,
        bundling: {
          image: DockerImage.fromRegistry('public.ecr.aws/sam/build-nodejs22.x'),
          local: {
            tryBundle(outputDir: string): boolean {
              buildLayer(outputDir, 'arm64');
              return true;
            },
          },
        },
      }),
    });
  }
}
