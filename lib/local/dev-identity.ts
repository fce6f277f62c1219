/** The merchant `npm start`'s dev token and `npm run token` speak for unless told otherwise. */
export const DEV_MERCHANT = 'merchant_dev';
