export * from './amount';
export * from './clock';
export * from './currency';
export * from './features';
export * from './windows';
