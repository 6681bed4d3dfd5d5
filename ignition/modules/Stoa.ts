/**
 * Production deployment: the whole initial supply goes to the DAO treasury (the timelock's
 * address is not known in advance, so the deployer passes the treasury multisig or distribution
 * contract as `initialHolder`), ETH is the only payment currency, and the DAO adds arbiters,
 * payment tokens and issuers by proposal.
 *
 *   npx hardhat ignition deploy ignition/modules/Stoa.ts --network <net> --parameters params.json
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { defineStoa } from "../suite.ts";

export default buildModule("Stoa", (m) => {
  const initialHolder = m.getParameter<string>("initialHolder");
  const initialSupply = m.getParameter("initialSupply", 100_000_000n * 10n ** 18n);
  return defineStoa(m, {
    initialHolders: [initialHolder],
    initialAmounts: [initialSupply],
    paymentTokens: [],
    arbiters: [],
    issuers: [],
  });
});
