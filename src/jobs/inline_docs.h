// Inline documents for a request that may not name files (Options::allow_files
// = false): each document field's text is written to a private temporary
// directory that the request's readers then read, and every trace of that
// directory is mapped back to the field in the diagnostics and the report.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <string_view>

#include "base/diagnostics.h"
#include "catalog/data_set.h"

namespace xpu::jobs {

class InlineDocuments {
 public:
  // Rewrites the document fields of `request` (job `kind`) to files in a new
  // temporary directory. Refusals (a file name, a wrong type, a model that is
  // neither shipped nor inline) go to `ds`, and what they refuse is taken out
  // of `request`, so that nothing left names a file (FieldStyle::refused).
  InlineDocuments(std::string_view kind, nlohmann::json& request, const DataSet& data, Diagnostics& ds);
  ~InlineDocuments();  // removes the directory
  InlineDocuments(const InlineDocuments&) = delete;
  InlineDocuments& operator=(const InlineDocuments&) = delete;

  // Locations in the temporary files moved to their field ("portfolio"), and
  // their paths in messages replaced by the field's name.
  void map_back(Diagnostics& ds) const;
  // Strings in the report that carry a temporary path name the field instead
  // ("Hugging Face config.json: request body").
  void map_back(nlohmann::json& report) const;

 private:
  std::string write(std::string_view field, const std::string& name, const std::string& text);
  [[nodiscard]] std::string replaced(std::string s, bool label) const;

  std::string dir_;
  std::map<std::string, std::string> files_;  // temporary path -> field
};

}  // namespace xpu::jobs
