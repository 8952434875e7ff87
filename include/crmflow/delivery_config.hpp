// crmflow: channels and service handlers described in YAML, for the runner's `--channels` and
// `--handlers` files (spec/cli.md; docs/channels.md) and for hosts that want the same.
//
//   auto loaded = crmflow::load_channels_file("channels.yaml");
//   if (!loaded.ok()) {
//     for (const auto& d : loaded.diagnostics) std::cerr << d.format() << '\n';
//     return 1;
//   }
//   crmflow::Engine engine{store, {.channels = &loaded.channels}};
//
// A channels file maps each channel name to `{type: http | command | file, ...}`; a handlers
// file maps each handler name to `{type: http | command, ...}`. Every problem of a file is
// reported at once, each at its place (FILE:LINE:COL) naming the entry and the field. Relative
// paths in a file (`path`, `ca_file`) are read from the file's own folder.
//
// Thread safety: the functions are pure; the channels and handlers they build may be called
// from several threads at once.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "crmflow/channel.hpp"
#include "crmflow/diagnostic.hpp"
#include "crmflow/handler.hpp"

namespace crmflow {

struct ChannelsOutcome {
  ChannelRegistry channels{};  // empty when there are diagnostics
  std::vector<Diagnostic> diagnostics{};
  bool ok() const { return diagnostics.empty(); }
};

struct HandlersOutcome {
  HandlerRegistry handlers{};  // empty when there are diagnostics
  std::vector<Diagnostic> diagnostics{};
  bool ok() const { return diagnostics.empty(); }
};

// Reads channels from YAML text; `file_name` names it in diagnostics and is where relative
// paths are read from.
ChannelsOutcome load_channels(std::string_view yaml_text, std::string_view file_name);
// Reads a channels file. An unreadable file is one diagnostic without a place.
ChannelsOutcome load_channels_file(const std::string& path);

// Reads service handlers from YAML text, as load_channels does.
HandlersOutcome load_handlers(std::string_view yaml_text, std::string_view file_name);
HandlersOutcome load_handlers_file(const std::string& path);

}  // namespace crmflow
