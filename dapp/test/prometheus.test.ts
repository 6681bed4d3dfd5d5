import { expect } from "chai";
import { sampleOf } from "../src/node/prometheus.ts";

describe("sampleOf (Prometheus text)", function () {
  it("sums each wanted metric over its label sets, skips comments and look-alike names", function () {
    const text = [
      "# HELP stoa_records Records per family",
      "# TYPE stoa_records gauge",
      'stoa_records{family="profiles"} 3',
      'stoa_records{family="listings"} 4',
      "stoa_records_total_bogus 99",
      "stoa_peers 2",
      "process_resident_memory_bytes 123456789",
      'stoa_http_requests_total{method="GET",route="/v1/node",status="200"} 10',
      'stoa_http_requests_total{method="POST",route="/v1/records/:family",status="201"} 5',
      "",
    ].join("\n");
    expect(sampleOf(text, 1)).to.deep.equal({
      at: 1,
      records: 7,
      peers: 2,
      memoryBytes: 123456789,
      requestsTotal: 15,
    });
  });
});
