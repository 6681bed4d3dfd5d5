import { expect } from "chai";
import { contractOf, DeploymentError, getHealth, getNodeInfo, getPeers, parseDeployment } from "../src/index.ts";
import { NETWORK, testClient, testNode } from "./helpers.ts";

describe("node: getNodeInfo, getPeers, getHealth", function () {
  it("reads the node's identity, peers and readiness", async function () {
    const { node } = await testNode();
    const stoa = await testClient();
    const info = await getNodeInfo(stoa);
    expect(info.peerId).to.equal(node.peerId.toString());
    expect(info.network).to.equal(NETWORK);
    expect(await getPeers(stoa)).to.deep.equal([]);
    const health = await getHealth(stoa);
    expect(health.node).to.equal(true);
    expect(health.ready).to.equal(health.node && health.chain);
  });
});

describe("deployment manifest", function () {
  it("validates a manifest and names the field at fault", async function () {
    const { chain } = await testNode();
    const deployment = parseDeployment(chain.manifest);
    expect(deployment.chainId).to.equal(31337);
    expect(contractOf(deployment, "token").address).to.equal(chain.manifest.contracts.token!.address);
    const bad = (() => {
      try {
        return parseDeployment({ ...chain.manifest, contracts: { token: { address: "0x12" } } });
      } catch (error) {
        return error;
      }
    })() as DeploymentError;
    expect(bad).to.be.instanceOf(DeploymentError);
    expect(bad.field).to.equal("contracts.token.address");
  });

  it("refuses a contract whose ABI is not the SDK's (abiHash) or that is absent", async function () {
    const { chain } = await testNode();
    const manifest = structuredClone(chain.manifest);
    manifest.contracts.token!.abiHash = `0x${"00".repeat(32)}`;
    delete manifest.contracts.governor;
    const deployment = parseDeployment(manifest);
    expect(() => contractOf(deployment, "token"))
      .to.throw(DeploymentError)
      .with.property("field", "contracts.token.abiHash");
    expect(() => contractOf(deployment, "governor"))
      .to.throw(DeploymentError)
      .with.property("field", "contracts.governor");
  });
});
