/**
 * The migrations released while a migration's recorded checksum was the sha256 of its whole text: per file, that
 * checksum and the checksum of its statements as released (sql-text.ts). A database that recorded the old one is
 * accepted when the file's statements are still the released ones, and its row is rewritten to the statements'
 * checksum (migrate.ts). Never edit: a new migration is recorded by its statements from the start.
 */
export const RELEASED_MIGRATIONS: Readonly<Record<string, { text: string; statements: string }>> = {
  '0001_payments.sql': {
    text: 'a0163a859035a64688550b3192c5f837a15bb90ccc85ba17b595f9bcae085fe0',
    statements: '5eba096a7b96a726d1185df81021311b98440a0fa55e0db551d0b6ecbfa09b09',
  },
  '0002_consumer_inbox.sql': {
    text: '461b8372e31e6fe06960fed210ce5f50ffc96e6e01459c9254d526465213e306',
    statements: '541792e84f9d2cf5e6cb8a44e760a8f9d2aa282f46c1ad8cc7af02c0bfccf213',
  },
  '0003_fraud.sql': {
    text: '8e659908dd9e6e6806381433992fab72e180a95add032f25f732a02a0024cff5',
    statements: '5d0df1b758b4f412a572e666723aac8b6c2114a84051211435e306ac46e77149',
  },
  '0004_notifications.sql': {
    text: '4371dfedfb26f3c40e27b28f37d7463c752d85f1ad2cedb4a53e4cd2a319af6a',
    statements: '8415003ba15f34b5806d0f8fc4ee186614ad49e015e778df6790d918ee16c7ea',
  },
  '0005_analytics.sql': {
    text: '9cd8fb6c07c40913ec8cdd67488908b1a87af5f4b1ac8c68f75d941d7edafb7f',
    statements: '40f550ec41b78cd347c68a7a3080e1dc72e73dec34f26d2824f9df6d073ad981',
  },
  '0006_fraud_hour_buckets.sql': {
    text: '63f12e01ae059987d4acd435c83b0d29e8c8ec0edeb9d344c8f2154c7190db0d',
    statements: 'eee25e54e53f619d3ad70dd20da22caf3f130d572f19477a0ae60008ad235e52',
  },
  '0007_outbox_publication_queue.sql': {
    text: '6e35ea5cc28e26f609a705d802fcd7af1df88554a26b2b34745cd71c99f27232',
    statements: 'cf18d8b54588807a4754cb31b0f04f96f2161c022d0ee82240810f87a8eecb8b',
  },
  '0008_hot_path_functions.sql': {
    text: 'ac3332f7312a9b5b679d39a03acb7c99c347901aa39a799d406caaa60a78a3c9',
    statements: '5d1b077597b7a148d873215603784f350e10e94680cb62b589b097fcc2cb679f',
  },
  '0009_fraud_terminal_days.sql': {
    text: '52608decd61b9c8f851bde3ca66c6f652de8d1309019e78c3b0ca666642c11f9',
    statements: '00f8d63ccf32e002205a4713952db89f5eaf0379300e5ce831747d07aef82681',
  },
  '0010_fraud_scoring_functions.sql': {
    text: 'bcc44905df1d33ac25add96f488232bc72e7ccdceb03a44630a2194a76d81b14',
    statements: '74b1d3ff5e6589f98e19c284d0324cb305550ddbc225a305167a97d2adf06be3',
  },
  '0011_fraud_optimistic_scoring.sql': {
    text: '53fa9d9c8bc3b26e28de3123eddbde40a8b6b62b590492f2e0c713270cf1f201',
    statements: 'b690a59112b30bebafa9fe206ba9c13451024906739350ee255978d1823820e4',
  },
};
