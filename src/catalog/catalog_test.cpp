// Checks of the shipped catalog (data/): the expected keys, every figure sourced and dated,
// systems consistent with their accelerators, and physical sanity of the numbers.
#include "catalog/catalog.h"
#include "base/date.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "ingest/data_files.h"

namespace xpu {
namespace {

const DataSet& shipped() {
  static const DataSet data = load_data({XPUPLAN_DATA_DIR});
  return data;
}

const Catalog& catalog() { return shipped().catalog; }

const Accelerator& accel(std::string_view key) {
  const Accelerator* a = catalog().find_accelerator(key);
  EXPECT_NE(a, nullptr) << key;
  static const Accelerator empty;
  return a ? *a : empty;
}

double tflops(const Accelerator& a, Precision p) { return a.peak_for(p).si() * 1e-12; }

// Dates of this century only: a retrieval date in another one is a typo.
bool is_iso_date(const std::string& s) { return xpu::is_iso_date(s) && s.starts_with("20"); }

int product(const std::vector<int>& dims) {
  int p = 1;
  for (int d : dims) p *= d;
  return p;
}

// The torus or ring rank a topology needs (0: no dims).
size_t dims_rank(TopologyKind t) {
  switch (t) {
    case TopologyKind::ring:
      return 1;
    case TopologyKind::torus_2d:
      return 2;
    case TopologyKind::torus_3d:
      return 3;
    default:
      return 0;
  }
}

TEST(ShippedCatalog, HasExactlyTheTwentyKeysFromFourVendors) {
  const std::vector<std::string> expected{"a100-80gb", "b200",    "b300",   "gb200",  "gb300",  "h100-sxm", "h200-sxm",
                                          "h800-sxm",  "inf2",    "mi300x", "mi325x", "mi355x", "tpu-v4",   "tpu-v5e",
                                          "tpu-v5p",   "tpu-v6e", "tpu-v7", "trn1",   "trn2",   "trn3"};
  EXPECT_EQ(catalog().accelerator_keys(), expected);  // keys come back sorted

  std::map<Vendor, int> per_vendor;
  for (const auto& a : catalog().accelerators) ++per_vendor[a.vendor];
  EXPECT_EQ(per_vendor,
            (std::map<Vendor, int>{{Vendor::nvidia, 8}, {Vendor::google, 5}, {Vendor::aws, 4}, {Vendor::amd, 3}}));
}

TEST(ShippedCatalog, RuntimesMatchVendors) {
  const std::map<Vendor, Runtime> runtime{{Vendor::nvidia, Runtime::cuda},
                                          {Vendor::google, Runtime::xla},
                                          {Vendor::aws, Runtime::neuron},
                                          {Vendor::amd, Runtime::rocm}};
  for (const auto& a : catalog().accelerators) {
    EXPECT_EQ(a.runtime, runtime.at(a.vendor)) << a.key;
    EXPECT_GE(a.year, 2020) << a.key;
    EXPECT_LE(a.year, 2026) << a.key;
    EXPECT_FALSE(a.name.empty()) << a.key;
  }
}

TEST(ShippedCatalog, EveryAcceleratorHasTheCoreFigures) {
  for (const auto& a : catalog().accelerators) {
    SCOPED_TRACE(a.key);
    EXPECT_TRUE(a.supports(Precision::bf16));
    EXPECT_GT(a.hbm_capacity.si(), 0);
    EXPECT_GT(a.hbm_bandwidth.si(), 0);
    EXPECT_FALSE(a.scale_up.name.empty());
    EXPECT_GT(a.scale_up.bandwidth.si(), 0);
    EXPECT_GE(a.scale_up.domain, 2);
    EXPECT_GT(a.scale_up.latency.si(), 0);
    EXPECT_FALSE(a.scale_out.name.empty());
    EXPECT_GT(a.scale_out.bandwidth.si(), 0);
    EXPECT_GT(a.scale_out.latency.si(), 0);
    EXPECT_GT(a.power.tdp.si(), 0);
  }
}

TEST(ShippedCatalog, EveryRecordedFieldHasASourceAndAnIsoDate) {
  for (const auto& a : catalog().accelerators) {
    SCOPED_TRACE(a.key);
    std::set<std::string> required{"memory.capacity",     "memory.bandwidth",  "scale_up.bandwidth", "scale_up.latency",
                                   "scale_out.bandwidth", "scale_out.latency", "power.tdp"};
    for (Precision p : kAllPrecisions) {
      if (a.supports(p)) required.insert("peak." + std::string(to_string(p)));
    }
    if (a.power.host_per_chip.si() > 0) required.insert("power.host_per_chip");
    if (a.cores_per_chip != 1) required.insert("cores_per_chip");
    for (const auto& field : required) {
      EXPECT_TRUE(a.sources.count(field)) << "no provenance for " << field;
    }
    for (const auto& [field, p] : a.sources) {
      EXPECT_FALSE(p.source.empty()) << field;
      EXPECT_TRUE(is_iso_date(p.retrieved)) << field << ": '" << p.retrieved << "'";
      if (p.estimate) {
        EXPECT_FALSE(p.note.empty()) << field << " is an estimate without a note";
      }
    }
  }
  for (const auto& s : catalog().systems) {
    SCOPED_TRACE(s.key);
    EXPECT_FALSE(s.provenance.source.empty());
    EXPECT_TRUE(is_iso_date(s.provenance.retrieved)) << s.provenance.retrieved;
    if (s.provenance.estimate) {
      EXPECT_FALSE(s.provenance.note.empty());
    }
  }
}

TEST(ShippedCatalog, SystemsReferToKnownAcceleratorsWithConsistentShapes) {
  EXPECT_GE(catalog().systems.size(), 20u);
  for (const auto& s : catalog().systems) {
    SCOPED_TRACE(s.key);
    const Accelerator* a = catalog().find_accelerator(s.accelerator);
    ASSERT_NE(a, nullptr) << s.accelerator;
    EXPECT_FALSE(s.name.empty());
    EXPECT_GT(s.chips_per_host, 0);
    EXPECT_EQ(s.chips % s.chips_per_host, 0) << s.chips << " chips in hosts of " << s.chips_per_host;
    EXPECT_LE(s.scale_up_domain, s.chips);
    EXPECT_LE(s.max_slice, s.chips);
    EXPECT_EQ(s.dims.size(), dims_rank(s.topology));
    if (!s.dims.empty()) {
      EXPECT_EQ(product(s.dims), s.scale_up_domain);
    }
    EXPECT_EQ(s.topology == TopologyKind::switched || s.topology == TopologyKind::fully_connected,
              a->scale_up.topology == TopologyKind::switched || a->scale_up.topology == TopologyKind::fully_connected)
        << "a system may grow a torus by a dimension, but not turn a switch into a torus";
  }
  for (const auto& a : catalog().accelerators) {
    SCOPED_TRACE(a.key);
    EXPECT_EQ(a.scale_up.dims.size(), dims_rank(a.scale_up.topology));
    if (!a.scale_up.dims.empty()) {
      EXPECT_EQ(product(a.scale_up.dims), a.scale_up.domain);
    }
  }
}

TEST(ShippedCatalog, DefaultSystemExistsForEveryAcceleratorAndMatchesItsDomain) {
  for (const auto& a : catalog().accelerators) {
    SCOPED_TRACE(a.key);
    const System* s = default_system(catalog(), a.key);
    ASSERT_NE(s, nullptr) << "no system with scale_up_domain " << a.scale_up.domain;
    EXPECT_EQ(s->accelerator, a.key);
    EXPECT_EQ(s->scale_up_domain, a.scale_up.domain);
    EXPECT_EQ(s->topology, a.scale_up.topology);
    EXPECT_EQ(s->dims, a.scale_up.dims);
    EXPECT_EQ(s->scale_up_bandwidth.si(), 0) << "the default system should be the chip's reference design";
    EXPECT_EQ(s->scale_out_bandwidth.si(), 0) << "the default system should be the chip's reference design";
  }
  const std::map<std::string, std::string> expected{
      {"a100-80gb", "hgx-a100"},  {"h100-sxm", "hgx-h100"},          {"gb200", "gb200-nvl72"}, {"gb300", "gb300-nvl72"},
      {"tpu-v5e", "tpu-v5e-pod"}, {"tpu-v5p", "tpu-v5p-pod"},        {"tpu-v7", "tpu7x-pod"},  {"trn1", "trn1-32xl"},
      {"trn2", "trn2-48xl"},      {"trn3", "trn3-gen1-ultraserver"}, {"inf2", "inf2-48xl"},    {"mi300x", "mi300x-8"}};
  for (const auto& [accel_key, system_key] : expected) {
    const System* s = default_system(catalog(), accel_key);
    ASSERT_NE(s, nullptr) << accel_key;
    EXPECT_EQ(s->key, system_key) << accel_key;
  }
}

TEST(ShippedCatalog, ScaleUpDomainsOfTheStandardSystems) {
  EXPECT_EQ(accel("h100-sxm").scale_up.domain, 8);
  EXPECT_EQ(accel("gb200").scale_up.domain, 72);
  EXPECT_EQ(accel("gb300").scale_up.domain, 72);
  EXPECT_EQ(accel("trn2").scale_up.domain, 16);
  EXPECT_EQ(accel("tpu-v5e").scale_up.domain, 256);
  EXPECT_EQ(accel("tpu-v6e").scale_up.domain, 256);
  EXPECT_EQ(accel("mi300x").scale_up.domain, 8);

  const System* v5p = catalog().find_system("tpu-v5p-pod");
  ASSERT_NE(v5p, nullptr);
  EXPECT_EQ(v5p->chips, 8960);
  EXPECT_EQ(v5p->max_slice, 6144);
  EXPECT_EQ(v5p->dims, (std::vector<int>{16, 16, 24}));
  const System* ultra = catalog().find_system("trn2-ultraserver");
  ASSERT_NE(ultra, nullptr);
  EXPECT_EQ(ultra->dims, (std::vector<int>{4, 4, 4}));
  EXPECT_EQ(ultra->chips / ultra->chips_per_host, 4) << "four trn2.48xlarge instances";
  const System* v7 = catalog().find_system("tpu7x-pod");
  ASSERT_NE(v7, nullptr);
  EXPECT_EQ(v7->chips, 9216);
}

TEST(ShippedCatalog, ListedFormatsAreFasterThanBf16AndOrdered) {
  for (const auto& a : catalog().accelerators) {
    SCOPED_TRACE(a.key);
    const double bf16 = tflops(a, Precision::bf16);
    // A lower-precision format is listed only where matmuls in it run faster than BF16.
    for (Precision p : {Precision::fp8, Precision::fp4, Precision::int8}) {
      if (a.supports(p)) {
        EXPECT_GT(tflops(a, p), bf16) << to_string(p);
      }
    }
    if (a.supports(Precision::fp4) && a.supports(Precision::fp8)) {
      EXPECT_GE(tflops(a, Precision::fp4), tflops(a, Precision::fp8));
    }
    for (Precision p : {Precision::fp32, Precision::tf32}) {
      if (a.supports(p)) {
        EXPECT_LE(tflops(a, p), bf16) << to_string(p);
      }
    }
    if (a.supports(Precision::fp16)) {
      EXPECT_EQ(tflops(a, Precision::fp16), bf16);
    }
  }
  // No FP8 speed-up on TPU v5p/v6e, but INT8 at twice the rate.
  for (const char* key : {"tpu-v5p", "tpu-v6e"}) {
    EXPECT_FALSE(accel(key).supports(Precision::fp8)) << key;
    EXPECT_DOUBLE_EQ(tflops(accel(key), Precision::int8), 2 * tflops(accel(key), Precision::bf16)) << key;
  }
  EXPECT_FALSE(accel("tpu-v4").supports(Precision::int8)) << "v4 INT8 runs at the BF16 rate";
  EXPECT_FALSE(accel("trn1").supports(Precision::fp8)) << "cFP8 runs at the BF16 rate on Trainium1";
}

TEST(ShippedCatalog, PeaksAreDenseNotSparse) {
  // Sparse headline figures are twice these.
  EXPECT_DOUBLE_EQ(tflops(accel("h100-sxm"), Precision::bf16), 989.4);
  EXPECT_DOUBLE_EQ(tflops(accel("a100-80gb"), Precision::bf16), 312);
  EXPECT_DOUBLE_EQ(tflops(accel("b200"), Precision::fp4), 9000);
  EXPECT_DOUBLE_EQ(tflops(accel("gb200"), Precision::fp8), 5000);
  EXPECT_DOUBLE_EQ(tflops(accel("mi300x"), Precision::fp8), 2614.9);
  EXPECT_DOUBLE_EQ(tflops(accel("trn2"), Precision::bf16), 667);
}

TEST(ShippedCatalog, LinkBandwidthsArePerDirection) {
  for (const auto& a : catalog().accelerators) {
    SCOPED_TRACE(a.key);
    const double up = a.scale_up.bandwidth.si();
    EXPECT_LT(up, 1.3e12) << "more than 1.3 TB/s per direction: a bidirectional total left unhalved?";
    EXPECT_LT(a.scale_out.bandwidth.si(), up) << "the network between domains is slower than the one inside";
    EXPECT_LT(up, a.hbm_bandwidth.si());
  }
  // NVLink 5 is 1.8 TB/s bidirectional: 900 GB/s each way.
  for (const char* key : {"b200", "b300", "gb200", "gb300"}) {
    EXPECT_DOUBLE_EQ(accel(key).scale_up.bandwidth.si(), 900e9) << key;
  }
  EXPECT_DOUBLE_EQ(accel("h100-sxm").scale_up.bandwidth.si(), 450e9);
  EXPECT_DOUBLE_EQ(accel("h800-sxm").scale_up.bandwidth.si(), 200e9);
  EXPECT_DOUBLE_EQ(accel("tpu-v5p").scale_up.bandwidth.si(), 600e9);  // 1200 GBps bidirectional
  EXPECT_DOUBLE_EQ(accel("mi300x").scale_up.bandwidth.si(), 448e9);   // 7 x 128 GB/s bidirectional
  EXPECT_DOUBLE_EQ(accel("h100-sxm").scale_out.bandwidth.si(), 400e9 / 8);
}

TEST(ShippedCatalog, MemoryUnitsKeepGiBApartFromGB) {
  const double GiB = 1024.0 * 1024 * 1024;
  EXPECT_DOUBLE_EQ(accel("trn2").hbm_capacity.si(), 96 * GiB);
  EXPECT_DOUBLE_EQ(accel("tpu-v5p").hbm_capacity.si(), 95 * GiB);
  EXPECT_DOUBLE_EQ(accel("tpu-v7").hbm_capacity.si(), 192 * GiB);
  EXPECT_DOUBLE_EQ(accel("h200-sxm").hbm_capacity.si(), 141e9);
  EXPECT_DOUBLE_EQ(accel("inf2").hbm_bandwidth.si(), 820 * GiB);
  for (const auto& a : catalog().accelerators) {
    SCOPED_TRACE(a.key);
    EXPECT_GE(a.hbm_capacity.si(), 16e9);
    EXPECT_LE(a.hbm_capacity.si(), 320e9);
    EXPECT_GE(a.hbm_bandwidth.si(), 0.8e12);
    EXPECT_LE(a.hbm_bandwidth.si(), 10e12);
  }
}

TEST(ShippedCatalog, CoresPerChipCountFrameworkRanks) {
  const std::map<std::string, int> expected{{"trn1", 2}, {"inf2", 2}, {"trn2", 4}, {"trn3", 4}, {"tpu-v7", 2}};
  for (const auto& a : catalog().accelerators) {
    auto it = expected.find(a.key);
    EXPECT_EQ(a.cores_per_chip, it == expected.end() ? 1 : it->second) << a.key;
  }
  EXPECT_TRUE(accel("trn3").sources.at("cores_per_chip").estimate);
}

TEST(ShippedCatalog, PowerIsPlausibleAndUnpublishedTdpsAreEstimates) {
  for (const auto& a : catalog().accelerators) {
    SCOPED_TRACE(a.key);
    EXPECT_GE(a.power.tdp.si(), 100);
    EXPECT_LE(a.power.tdp.si(), 2000);
    if (a.vendor == Vendor::google || a.vendor == Vendor::aws) {
      EXPECT_TRUE(a.sources.at("power.tdp").estimate) << "TPU and Trainium TDPs are not published";
    }
  }
  // DGX H100: 10.2 kW for 8 GPUs of 700 W.
  EXPECT_DOUBLE_EQ(accel("h100-sxm").power.host_per_chip.si(), 10200.0 / 8 - 700);
}

TEST(ShippedCatalog, LookupsByKey) {
  EXPECT_EQ(catalog().find_accelerator("h100-sxn"), nullptr);
  EXPECT_EQ(catalog().find_system("hgx-h100")->accelerator, "h100-sxm");
  EXPECT_EQ(default_system(catalog(), "no-such-chip"), nullptr);
  auto systems = catalog().systems_of("h100-sxm");
  ASSERT_EQ(systems.size(), 3u);
  EXPECT_EQ(systems[0]->key, "hgx-h100");
}

}  // namespace
}  // namespace xpu
