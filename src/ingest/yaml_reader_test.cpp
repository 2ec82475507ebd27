#include "ingest/yaml_reader.h"

#include <gtest/gtest.h>

namespace xpu {
namespace {

struct Parsed {
  Diagnostics ds;
  YAML::Node root;
};

Parsed parse(const std::string& text) {
  Parsed p;
  auto n = parse_yaml_text(text, "t.yaml", p.ds);
  if (n) p.root = *n;
  return p;
}

std::string all(const Diagnostics& ds) { return format_diagnostics(ds); }

TEST(YamlReader, MalformedYamlHasPosition) {
  Parsed p = parse("a: [1, 2\nb: 3\n");
  EXPECT_EQ(all(p.ds), "t.yaml:2:2: error: malformed YAML: end of sequence flow not found\n");
}

TEST(YamlReader, ATabInTheIndentationIsNamed) {
  // "illegal block entry" alone did not say the tab was the problem (usertrial2).
  Parsed p = parse("offers:\n\t- provider: aws\n");
  EXPECT_EQ(all(p.ds),
            "t.yaml:2:2: error: malformed YAML: illegal block entry (a tab indents this line; YAML indents with "
            "spaces)\n");
  // A tab elsewhere on the line is not the cause.
  p = parse("a: [1, 2\nb:\t3\n");
  EXPECT_EQ(all(p.ds), "t.yaml:2:2: error: malformed YAML: end of sequence flow not found\n");
}

TEST(YamlReader, ReadsTypedValues) {
  Parsed p = parse("name: x\nn: 4\nbw: 3.35 TB/s\nflag: true\ndims: [4, 4]\n");
  MapReader r(p.root, "t.yaml", p.ds, "entry");
  EXPECT_EQ(r.str("name"), "x");
  EXPECT_EQ(r.integer("n"), 4);
  EXPECT_DOUBLE_EQ(r.get<ByteRate>("bw")->si(), 3.35e12);
  EXPECT_EQ(r.boolean("flag"), true);
  EXPECT_EQ(r.int_list("dims"), (std::vector<long long>{4, 4}));
  r.finish();
  EXPECT_TRUE(p.ds.empty()) << all(p.ds);
}

TEST(YamlReader, AWholeNumberTooLargeOrInExponentFormIsSaidSo) {
  // usertrial5: both were "must be a whole number", which they are.
  // Every caller keeps an int: 4294967296 was cast to 0 (a plan's capacity: "infeasible", silently).
  Parsed p =
      parse("a: 99999999999999999999\nb: 1e3\nc: 1e30\nd: eight\ne: 4294967296\nf: 2147483647\ng: -99999999999\n");
  MapReader r(p.root, "t.yaml", p.ds, "entry");
  for (const char* k : {"a", "b", "c", "d", "e", "g"}) EXPECT_FALSE(r.integer(k));
  EXPECT_EQ(r.integer("f"), 2147483647);
  EXPECT_EQ(all(p.ds),
            "t.yaml:1:4: error: entry: a: '99999999999999999999' is out of range (numbers out of range: at most "
            "2147483647)\n"
            "t.yaml:2:4: error: entry: b: write '1e3' in digits (1000)\n"
            "t.yaml:3:4: error: entry: c: '1e30' is out of range (numbers out of range: at most 2147483647)\n"
            "t.yaml:4:4: error: entry: d: must be a whole number, got 'eight'\n"
            "t.yaml:5:4: error: entry: e: '4294967296' is out of range (numbers out of range: at most 2147483647)\n"
            // Below -2147483647 the bound is the other one.
            "t.yaml:7:4: error: entry: g: '-99999999999' is out of range (numbers out of range: at least "
            "-2147483647)\n");
  EXPECT_EQ(whole_number_problem("8.5", "chips"), "must be a whole number of chips, got '8.5'");
}

TEST(YamlReader, ANumberPastADoubleOrNotFiniteIsSaidSo) {
  // usertrial6: a risks file's `per_year: 1e400` was "must be a number", which it is.
  Parsed p = parse("a: 1e400\nb: -1e400\nc: 1e-400\nd: nan\ne: inf\nf: five\ng: 2.5\n");
  MapReader r(p.root, "t.yaml", p.ds, "shock 's'");
  for (const char* k : {"a", "b", "c", "d", "e", "f"}) EXPECT_FALSE(r.number(k, Need::required, Sign::any)) << k;
  EXPECT_EQ(r.number("g"), 2.5);
  EXPECT_EQ(all(p.ds),
            "t.yaml:1:4: error: shock 's': a: '1e400' is out of range (numbers out of range: beyond a double, about "
            "1.8e308)\n"
            "t.yaml:2:4: error: shock 's': b: '-1e400' is out of range (numbers out of range: beyond a double, about "
            "1.8e308)\n"
            "t.yaml:3:4: error: shock 's': c: '1e-400' is out of range (numbers out of range: below a double's "
            "smallest, about 4.9e-324)\n"
            "t.yaml:4:4: error: shock 's': d: 'nan' is not a finite number\n"
            "t.yaml:5:4: error: shock 's': e: 'inf' is not a finite number\n"
            "t.yaml:6:4: error: shock 's': f: must be a number, got 'five'\n");
}

TEST(YamlReader, MergeKeysSupplyTheFieldsAMappingLeavesOut) {
  // `<<: *base` used to leave every merged field "missing" and '<<' "unknown" (usertrial2).
  Parsed p = parse("list:\n  - &base {provider: aws, chips: 8, term: on-demand}\n  - <<: *base\n    term: spot\n");
  MapReader first(p.root["list"][0], "t.yaml", p.ds, "entry");
  MapReader second(p.root["list"][1], "t.yaml", p.ds, "entry");
  EXPECT_EQ(second.str("provider"), "aws");
  EXPECT_EQ(second.integer("chips"), 8);
  EXPECT_EQ(second.str("term"), "spot");  // its own key wins over the merged one
  second.finish();
  EXPECT_TRUE(p.ds.empty()) << all(p.ds);
  // A merged value is located where it was written (the anchor), and a merge of a scalar is an error at it.
  EXPECT_EQ(second.where("chips").line, 2);
  Parsed bad = parse("a: 1\nb:\n  <<: 1\n  c: 2\n");
  MapReader r(bad.root["b"], "t.yaml", bad.ds, "entry");
  EXPECT_EQ(all(bad.ds), "t.yaml:3:7: error: entry: <<: a merge key takes a mapping (`<<: *name`) or a list of them\n");
}

TEST(YamlReader, AnAliasedValueIsLocatedAtTheAlias) {
  // yaml-cpp hands back the anchored node for `*name`, so every message about
  // an aliased value pointed at the anchor's line (usertrial2, fixed by usertrial3).
  Parsed p = parse("gpu: &g h100-smx\nlist:\n  - &o {provider: aws, chips: -8}\n  - *o\nmine: *g\n");
  ASSERT_TRUE(p.ds.empty()) << all(p.ds);
  EXPECT_EQ(location_of("t.yaml", p.root["list"][1]).line, 4);
  EXPECT_EQ(location_of("t.yaml", p.root["list"][1]).column, 5);
  MapReader top(p.root, "t.yaml", p.ds, "file");
  top.str("gpu");
  top.node("list");
  top.error("mine", "unknown accelerator");
  EXPECT_EQ(all(p.ds), "t.yaml:5:7: error: file: mine: unknown accelerator\n");
  // The alias keeps the anchor's content; its fields stay where they were written.
  MapReader second(p.root["list"][1], "t.yaml", p.ds, "entry");
  EXPECT_EQ(second.str("provider"), "aws");
  EXPECT_EQ(second.where("chips").line, 3);
  EXPECT_EQ(location_of("t.yaml", p.root["list"][0]).line, 3);  // the anchor itself is unchanged
  // An alias of a list and a self-referencing anchor load without a crash.
  Parsed list = parse("a: &l [1, 2, 3]\nb: *l\n");
  EXPECT_EQ(list.root["b"].size(), 3U);
  EXPECT_EQ(location_of("t.yaml", list.root["b"]).line, 2);
  Parsed self = parse("&s [1, *s]\n");
  EXPECT_TRUE(self.root.IsSequence());
}

TEST(YamlReader, AnEmptyFileIsAnErrorAtItsFirstLine) {
  // It had no line or column ("empty.yaml: error: risks: expected a mapping ...", usertrial2).
  // usertrial6: `---` alone (an empty document) was "2:1: ... expected a mapping", not empty.
  for (const char* text : {"", "# nothing yet\n\n", "---\n", "--- # nothing yet\r\n...\n"}) {
    Parsed p = parse(text);
    MapReader r(p.root, "t.yaml", p.ds, "risks");
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(all(p.ds),
              "t.yaml:1:1: error: risks: the file is empty (no YAML in it); expected a mapping of keys to values\n");
  }
  Parsed list = parse("- 1\n");
  MapReader r(list.root, "t.yaml", list.ds, "risks");
  EXPECT_EQ(all(list.ds), "t.yaml:1:1: error: risks: expected a mapping of keys to values\n");
}

TEST(YamlReader, ReportsEveryProblemInOnePass) {
  Parsed p = parse(
      "bandwith: 3 TB/s\n"
      "cap: 80\n"
      "tdp: -700 W\n"
      "n: 4\n"
      "n: 5\n"
      "kind: torus2d\n");
  MapReader r(p.root, "t.yaml", p.ds, "accelerator 'x'");
  r.get<ByteRate>("bandwidth", Need::optional);
  r.get<Bytes>("cap");
  r.get<Watts>("tdp");
  r.integer("n");
  r.choice("kind", {"switch", "torus-2d", "torus-3d"});
  r.str("name");
  r.finish();
  EXPECT_EQ(all(p.ds),
            "t.yaml:5:1: error: accelerator 'x': duplicate key 'n' (first given on line 4)\n"
            "t.yaml:2:6: error: accelerator 'x': cap: '80' has no unit; write it with one (e.g. '80 GB')\n"
            "t.yaml:3:6: error: accelerator 'x': tdp: must be positive, got -700 W\n"
            "t.yaml:6:7: error: accelerator 'x': kind: must be one of switch, torus-2d, torus-3d; got 'torus2d' "
            "(did you mean 'torus-2d'?)\n"
            "t.yaml:1:1: error: accelerator 'x': missing field 'name'\n"
            "t.yaml:1:1: error: accelerator 'x': unknown key 'bandwith' (did you mean 'bandwidth'?)\n");
}

TEST(YamlReader, WrongDimensionPointsAtValue) {
  Parsed p = parse("memory:\n  bandwidth: 80 GB\n");
  MapReader r(p.root, "t.yaml", p.ds, "accelerator 'x'");
  auto g = r.map("memory");
  ASSERT_TRUE(g);
  g->get<ByteRate>("bandwidth");
  g->finish();
  r.finish();
  EXPECT_EQ(all(p.ds),
            "t.yaml:2:14: error: accelerator 'x': memory: bandwidth: expected a bandwidth (e.g. 3.35 TB/s), got "
            "'80 GB' which is a size\n");
}

}  // namespace
}  // namespace xpu
