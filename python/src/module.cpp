// _xpuplan: the jobs module (src/jobs) for Python, and nothing per job. A
// request goes in as JSON text and the CLI's --json report comes back as JSON
// text; the pure-Python package (python/xpuplan) builds the requests from
// keyword arguments and wraps the reports. Long calls run without the GIL.
#include <Python.h>
#include <pybind11/functional.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ingest/data_files.h"
#include "jobs/jobs.h"
#include "report/json_out.h"

namespace py = pybind11;

namespace {

const char* severity_name(xpu::Severity s) {
  switch (s) {
    case xpu::Severity::error:
      return "error";
    case xpu::Severity::warning:
      return "warning";
    case xpu::Severity::note:
      return "note";
  }
  return "error";
}

// Each diagnostic as a dict: where (file/line/column or pointer), severity,
// message, and the line the CLI prints for it.
py::list to_python(const xpu::Diagnostics& ds) {
  py::list out;
  for (const auto& d : ds) {
    py::dict x;
    x["severity"] = severity_name(d.severity);
    x["file"] = d.where.file;
    x["line"] = d.where.line;
    x["column"] = d.where.column;
    x["pointer"] = d.where.pointer;
    x["message"] = d.message;
    x["text"] = xpu::format_diagnostic(d);
    out.append(std::move(x));
  }
  return out;
}

// A loaded catalog, shared by every call that names it.
struct DataHandle {
  std::shared_ptr<const xpu::jobs::Data> data;
};

// (handle or None, diagnostics): errors in the data give no handle.
py::tuple load(std::vector<std::string> dirs, std::vector<std::string> price_files) {
  xpu::Diagnostics notes;
  std::shared_ptr<const xpu::jobs::Data> data;
  {
    py::gil_scoped_release nogil;
    try {
      data = std::make_shared<const xpu::jobs::Data>(std::move(dirs), std::move(price_files), &notes);
    } catch (const xpu::InputError& e) {
      notes = e.diagnostics();
    }
  }
  if (!data) return py::make_tuple(py::none(), to_python(notes));
  return py::make_tuple(DataHandle{std::move(data)}, to_python(notes));
}

// (report JSON text or None, outcome, diagnostics). `progress`, when given, is
// called as progress(done, total) where the job reports progress (simulate);
// a pending signal (Ctrl-C) is raised from there, which ends the job.
py::tuple run(const std::string& kind, const std::string& request_text, const DataHandle& handle, unsigned max_threads,
              const std::optional<py::function>& progress) {
  nlohmann::json request = nlohmann::json::parse(request_text, nullptr, /*allow_exceptions=*/false);
  if (request.is_discarded()) throw py::value_error("the request is not JSON text");
  xpu::jobs::Options options;
  options.max_threads = max_threads;
  options.progress = [&progress](uint32_t done, uint32_t total) {
    py::gil_scoped_acquire gil;
    if (PyErr_CheckSignals() != 0) throw py::error_already_set();
    if (progress) (*progress)(done, total);
  };
  xpu::jobs::Result result;
  {
    py::gil_scoped_release nogil;
    result = xpu::jobs::run(kind, request, *handle.data, options);
  }
  py::object report = py::none();
  if (result.report) report = py::str(xpu::dump_canonical(*result.report));  // rounded as the CLI prints it
  const char* outcome = result.outcome == xpu::api::Outcome::answered ? "answered" : "none_meets";
  return py::make_tuple(report, outcome, to_python(result.diagnostics));
}

}  // namespace

PYBIND11_MODULE(_xpuplan, m) {
  m.doc() = "xpuplan's jobs (src/jobs) by name: JSON request in, the CLI's --json report out";
  py::class_<DataHandle>(m, "Data", "A loaded catalog (shipped data, user directories, price files)");
  m.def("load", &load, py::arg("dirs"), py::arg("price_files"),
        "Loads data directories then price files: (Data or None, diagnostics)");
  m.def("run", &run, py::arg("kind"), py::arg("request"), py::arg("data"), py::arg("max_threads") = 0,
        py::arg("progress") = py::none(), "Runs one job: (report JSON text or None, outcome, diagnostics)");
  m.def("kinds", [] {
    py::list out;
    for (const auto& k : xpu::jobs::kinds())
      out.append(py::make_tuple(std::string(k.name), std::string(k.summary), k.long_running));
    return out;
  });
  m.def("shipped_data_dir", &xpu::shipped_data_dir, "$XPUPLAN_DATA, else the data directory compiled in");
}
