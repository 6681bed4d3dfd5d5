/** The dev accounts' roles in the dev deployment, in the order of Hardhat's mnemonic (npm start prints the same list). */
export const DEV_ACCOUNT_ROLES = [
  "deployer",
  "buyer",
  "seller",
  "spare",
  "creator",
  "worker",
  "issuer",
  "arbiter",
  "arbiter",
  "arbiter",
] as const;
