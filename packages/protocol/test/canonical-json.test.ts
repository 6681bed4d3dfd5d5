import { expect } from "chai";
import { canonicalJson } from "../src/canonical-json.ts";

describe("canonicalJson", function () {
  it("sorts keys and drops undefined", function () {
    expect(canonicalJson({ b: 1, a: [true, null, "x"], c: undefined })).to.equal('{"a":[true,null,"x"],"b":1}');
  });
  it("refuses values JSON cannot carry", function () {
    expect(() => canonicalJson({ a: NaN })).to.throw(TypeError);
    expect(() => canonicalJson(new Date())).to.throw(TypeError);
  });
});
