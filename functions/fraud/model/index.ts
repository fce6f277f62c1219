export * from './metadata';
export * from './onnx-model';
export * from './port';
export * from './reasons';
export * from './risk-score';
