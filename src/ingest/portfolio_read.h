// Internal to io: the state of one portfolio read, shared by
// portfolio_io.cpp (horizon, policy, sites) and portfolio_workloads.cpp
// (offers, workloads).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ingest/data_files.h"
#include "ingest/yaml_reader.h"
#include "planner/portfolio.h"

namespace xpu::detail {

struct PortfolioReader {
  const DataSet& data;
  Diagnostics& ds;
  std::string file;
  std::string base_dir;
  Portfolio p;
  std::optional<Dollars> engineer_week;
  bool offer_dropped = false;  // an offer had errors: no "no offer it may use" cascade  // policy.engineer_week, for
                               // porting costs in engineer-weeks
  // Where the policy gave min_vendors and min_vendor_share, for the checks
  // against the offers read after it (they had no line: usertrial5).
  std::optional<SourceLocation> min_vendors_at, min_vendor_share_at;

  // A month "YYYY-MM" as an index from the horizon's start.
  std::optional<int> month(MapReader& r, std::string_view key, Need need = Need::required);
  // Chips per month: one whole number for every month, or a list of `months`; each >= 0.
  std::optional<std::vector<int>> per_month_counts(MapReader& r, std::string_view key);
  // A number in [0, 1], optional.
  std::optional<double> share(MapReader& r, std::string_view key);

  void read_horizon(MapReader& root);
  void read_policy(MapReader& root);
  void read_sites(MapReader& root);
  void read_offers(MapReader& root);
  void read_workloads(MapReader& root);
  // The policy's vendor counts against the offers' vendors, at the policy's keys.
  void check_vendor_policy();
};

}  // namespace xpu::detail
