// load_channels / load_handlers: the `--channels` and `--handlers` files (docs/channels.md).
// The reader checks every entry and field, reports each problem at its place, and only when the
// whole file is right builds the channels and handlers through their factories (which check
// what only they can: templates, programs, folders).
#include "crmflow/delivery_config.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <exception>
#include <filesystem>
#include <memory>
#include <optional>
#include <utility>
#include <variant>

#include "model/source_file.hpp"
#include "notify/command_channel.hpp"
#include "notify/delivery_config_reader.hpp"
#include "notify/file_channel.hpp"
#include "notify/http_channel.hpp"
#include "notify/phone.hpp"
#include "notify/targets.hpp"
#include "notify/url.hpp"
#include "time/iso8601.hpp"
#include "yaml/fields.hpp"
#include "yaml/reader.hpp"

namespace crmflow {
namespace {

using namespace std::string_view_literals;
using notify::CommandTarget;
using notify::FileTarget;
using notify::HttpTarget;

constexpr std::array kChannelTypes = {"http"sv, "command"sv, "file"sv};
constexpr std::array kHandlerTypes = {"http"sv, "command"sv};
constexpr std::array kHttpFields = {"type"sv,    "url"sv,          "headers"sv,     "body"sv,
                                    "timeout"sv, "content_type"sv, "ca_file"sv,     "country_code"sv};
constexpr std::array kHttpHandlerFields = {"type"sv,    "url"sv,          "headers"sv, "body"sv,
                                           "timeout"sv, "content_type"sv, "ca_file"sv};
constexpr std::array kCommandFields = {"type"sv, "command"sv, "timeout"sv, "country_code"sv};
constexpr std::array kCommandHandlerFields = {"type"sv, "command"sv, "timeout"sv};
constexpr std::array kFileFields = {"type"sv, "path"sv, "country_code"sv};

using Target = std::variant<HttpTarget, CommandTarget, FileTarget>;

// One entry as read: where it goes, and for channels the country whose numbers `to` may be
// written in nationally.
struct Entry {
  std::string name;
  Target target;
  std::string country_code;
  const yaml::Node* node = nullptr;  // for problems the factories find
};

// A channel that writes `to` in E.164 before its channel sees it. A number it cannot read is a
// permanent failure: sending it again would not make it readable.
class PhoneNormalizingChannel final : public Channel {
 public:
  PhoneNormalizingChannel(std::shared_ptr<Channel> inner, std::string country_code)
      : inner_(std::move(inner)), country_code_(std::move(country_code)) {}

  DeliveryOutcome deliver(const Notification& notification) override {
    Result<std::string> number = notify::normalize_phone(notification.to, country_code_);
    if (!number) return DeliveryOutcome::failed(number.error().message);
    if (*number == notification.to) return inner_->deliver(notification);
    Notification normalized = notification;
    normalized.to = *std::move(number);
    return inner_->deliver(normalized);
  }

 private:
  std::shared_ptr<Channel> inner_;
  std::string country_code_;
};

class ConfigReader {
 public:
  ConfigReader(yaml::FieldReader& fields, std::filesystem::path folder)
      : fields_(fields), folder_(std::move(folder)) {}

  // Every entry of the file's top-level map; `handlers` selects the handler forms.
  std::vector<Entry> read(const yaml::Node& root, bool handlers) {
    std::vector<Entry> entries;
    const std::string_view what = handlers ? "handlers file" : "channels file";
    if (!root.is_mapping()) {
      fields_.error(root, fmt::format("{}: write a map of {} name to its form, such as "
                                      "'sms: {{type: http, url: ...}}', not {}",
                                      what, handlers ? "handler" : "channel",
                                      yaml::describe(root)));
      return entries;
    }
    for (const yaml::Node::Entry& entry : root.entries()) {
      const std::string& name = entry.key.scalar();
      owner_ = fmt::format("{} '{}'", handlers ? "handler" : "channel", name);
      if (name.empty()) {
        fields_.error(entry.key, fmt::format("{}: a name must not be empty", what));
        continue;
      }
      if (!fields_.expect_map(entry.value, owner_, name)) continue;
      if (auto read = read_fields(name, entry.value, handlers)) entries.push_back(*std::move(read));
    }
    return entries;
  }

  yaml::FieldReader& fields() { return fields_; }

  // One entry at `map`, or nullopt after a problem.
  std::optional<Entry> read_entry(const std::string& name, const yaml::Node& map, bool handlers) {
    owner_ = fmt::format("{} '{}'", handlers ? "handler" : "channel", name);
    return read_fields(name, map, handlers);
  }

 private:
  std::optional<Entry> read_fields(const std::string& name, const yaml::Node& map, bool handlers) {
    const std::size_t before = fields_.count();
    const std::span<const std::string_view> types =
        handlers ? std::span<const std::string_view>{kHandlerTypes}
                 : std::span<const std::string_view>{kChannelTypes};
    const yaml::Node* type_node =
        fields_.require(map, owner_, "type",
                        handlers ? "write 'type: http' or 'type: command'"
                                 : "write 'type: http', 'type: command' or 'type: file'");
    if (type_node == nullptr) return std::nullopt;
    auto type = fields_.one_of(*type_node, owner_, "type", types);
    if (!type) return std::nullopt;
    Entry entry{name, HttpTarget{}, {}, &map};
    if (*type == "http") {
      fields_.check_fields(map, owner_, handlers ? std::span<const std::string_view>{kHttpHandlerFields}
                                                 : std::span<const std::string_view>{kHttpFields});
      entry.target = read_http(name, map);
    } else if (*type == "command") {
      fields_.check_fields(map, owner_,
                           handlers ? std::span<const std::string_view>{kCommandHandlerFields}
                                    : std::span<const std::string_view>{kCommandFields});
      entry.target = read_command(name, map);
    } else {
      fields_.check_fields(map, owner_, kFileFields);
      entry.target = read_file(name, map);
    }
    if (const yaml::Node* country = map.find("country_code"); country != nullptr && !handlers) {
      if (auto code = fields_.non_empty_text(*country, owner_, "country_code")) {
        const bool digits = code->size() <= 3 && std::all_of(code->begin(), code->end(), [](char c) {
                              return c >= '0' && c <= '9';
                            });
        if (!digits || (*code)[0] == '0') {
          fields_.error(*country, fmt::format("{}: 'country_code' must be the country's calling "
                                              "code in 1 to 3 digits, such as \"98\" for Iran, "
                                              "not {}",
                                              owner_, yaml::describe(*country)));
        } else {
          entry.country_code = *code;
        }
      }
    }
    if (fields_.count() != before) return std::nullopt;
    return entry;
  }

  HttpTarget read_http(const std::string& name, const yaml::Node& map) {
    HttpTarget target;
    target.name = name;
    if (const yaml::Node* url = fields_.require(map, owner_, "url",
                                                "write the address to POST to, such as "
                                                "https://panel.example/send")) {
      if (auto text = fields_.non_empty_text(*url, owner_, "url")) {
        if (text->rfind("http://", 0) != 0 && text->rfind("https://", 0) != 0) {
          fields_.error(*url, fmt::format("{}: 'url' must start with http:// or https://, not '{}'",
                                          owner_, notify::url_for_messages(*text)));
        }
        target.url = *std::move(text);
      }
    }
    if (const yaml::Node* headers = map.find("headers")) {
      if (fields_.expect_map(*headers, owner_, "headers")) {
        for (const yaml::Node::Entry& header : headers->entries()) {
          if (auto value = fields_.text(header.value, owner_, "headers." + header.key.scalar())) {
            target.headers.emplace_back(header.key.scalar(), *std::move(value));
          }
        }
      }
    }
    if (const yaml::Node* body = map.find("body")) {
      if (auto text = fields_.non_empty_text(*body, owner_, "body")) target.body = *std::move(text);
    }
    if (const yaml::Node* type = map.find("content_type")) {
      if (auto text = fields_.non_empty_text(*type, owner_, "content_type")) {
        target.content_type = *std::move(text);
      }
    }
    if (const yaml::Node* timeout = map.find("timeout")) read_timeout(*timeout, target.timeout);
    if (const yaml::Node* ca = map.find("ca_file")) {
      if (auto text = fields_.non_empty_text(*ca, owner_, "ca_file")) target.ca_file = resolve(*text);
    }
    return target;
  }

  CommandTarget read_command(const std::string& name, const yaml::Node& map) {
    CommandTarget target;
    target.name = name;
    if (const yaml::Node* command = fields_.require(
            map, owner_, "command",
            "list the program and its arguments, such as [/usr/local/bin/send-mail, --quiet]")) {
      if (auto argv = fields_.text_list(*command, owner_, "command")) {
        if (argv->empty() || (*argv)[0].empty()) {
          fields_.error(*command, fmt::format("{}: 'command' must name a program first, such as "
                                              "[/usr/local/bin/send-mail]",
                                              owner_));
        }
        // A relative program path is read from the file's folder, like every path of the file;
        // a bare name is looked up in PATH.
        if (!argv->empty() && (*argv)[0].find('/') != std::string::npos) {
          (*argv)[0] = resolve((*argv)[0]).string();
        }
        target.argv = *std::move(argv);
      }
    }
    if (const yaml::Node* timeout = map.find("timeout")) read_timeout(*timeout, target.timeout);
    return target;
  }

  FileTarget read_file(const std::string& name, const yaml::Node& map) {
    FileTarget target;
    target.name = name;
    if (const yaml::Node* path = fields_.require(map, owner_, "path",
                                                 "write the file to append to, such as "
                                                 "notifications.jsonl")) {
      if (auto text = fields_.non_empty_text(*path, owner_, "path")) target.path = resolve(*text);
    }
    return target;
  }

  void read_timeout(const yaml::Node& node, std::chrono::milliseconds& out) {
    yaml::DurationRules rules;
    rules.allow_zero = false;
    rules.examples = "PT5S or PT1M";
    auto duration = fields_.duration(node, owner_, "timeout", rules);
    if (!duration) return;
    if (duration->months != 0 || duration->days != 0) {
      fields_.error(node, fmt::format("{}: 'timeout' must be given in hours, minutes or seconds "
                                      "(such as PT30S), not {}",
                                      owner_, yaml::describe(node)));
      return;
    }
    out = std::chrono::milliseconds{duration->millis};
  }

  std::filesystem::path resolve(const std::string& written) const {
    const std::filesystem::path path{written};
    return path.is_absolute() || folder_.empty() ? path : folder_ / path;
  }

  yaml::FieldReader& fields_;
  std::filesystem::path folder_;
  std::string owner_;
};

// The problem a factory found, at the entry's place.
void factory_problem(ConfigReader& reader, const Entry& entry, const Error& error) {
  reader.fields().error(*entry.node, error.message);
}

Result<std::shared_ptr<Channel>> make_channel(const Entry& entry) {
  return std::visit(
      [](const auto& target) -> Result<std::shared_ptr<Channel>> {
        using T = std::decay_t<decltype(target)>;
        if constexpr (std::is_same_v<T, HttpTarget>) {
          return notify::make_http_channel(target);
        } else if constexpr (std::is_same_v<T, CommandTarget>) {
          return notify::make_command_channel(target);
        } else {
          return notify::make_file_channel(target);
        }
      },
      entry.target);
}

Result<Handler> make_handler(const Entry& entry) {
  if (const auto* http = std::get_if<HttpTarget>(&entry.target)) {
    return notify::make_http_handler(*http);
  }
  return notify::make_command_handler(std::get<CommandTarget>(entry.target));
}

std::filesystem::path folder_of(std::string_view file_name) {
  return std::filesystem::path{std::string{file_name}}.parent_path();
}

std::optional<yaml::Document> parse(std::string_view text, std::string_view file_name,
                                    std::vector<Diagnostic>& problems) {
  return yaml::parse(text, file_name, problems);
}

void internal_problem(std::vector<Diagnostic>& problems, std::string_view file_name,
                      const char* what) {
  problems.push_back(Diagnostic{std::string{file_name}, 0, 0,
                                fmt::format("internal error while loading {} (please report "
                                            "it): {}",
                                            file_name, what)});
}

}  // namespace

namespace notify {

std::optional<Handler> read_handler_form(const yaml::Node& map, const std::string& name,
                                         yaml::FieldReader& fields,
                                         const std::filesystem::path& folder) {
  ConfigReader reader{fields, folder};
  const std::size_t before = fields.count();
  std::optional<Entry> entry = reader.read_entry(name, map, true);
  if (!entry || fields.count() != before) return std::nullopt;
  auto handler = make_handler(*entry);
  if (!handler) {
    factory_problem(reader, *entry, handler.error());
    return std::nullopt;
  }
  return *std::move(handler);
}

}  // namespace notify

ChannelsOutcome load_channels(std::string_view yaml_text, std::string_view file_name) {
  ChannelsOutcome outcome;
  try {
    auto document = parse(yaml_text, file_name, outcome.diagnostics);
    if (!document) return outcome;
    yaml::FieldReader fields{outcome.diagnostics};
    ConfigReader reader{fields, folder_of(file_name)};
    std::vector<Entry> entries = reader.read(document->root(), false);
    if (!outcome.ok()) return outcome;
    ChannelRegistry channels;
    for (const Entry& entry : entries) {
      auto channel = make_channel(entry);
      if (!channel) {
        factory_problem(reader, entry, channel.error());
        continue;
      }
      std::shared_ptr<Channel> made = *std::move(channel);
      if (!entry.country_code.empty()) {
        made = std::make_shared<PhoneNormalizingChannel>(std::move(made), entry.country_code);
      }
      channels.add(entry.name, std::move(made));
    }
    if (outcome.ok()) outcome.channels = std::move(channels);
  } catch (const std::exception& e) {
    outcome.channels = ChannelRegistry{};
    internal_problem(outcome.diagnostics, file_name, e.what());
  }
  return outcome;
}

ChannelsOutcome load_channels_file(const std::string& path) {
  ChannelsOutcome outcome;
  std::optional<std::string> text = model::read_source_file(path, outcome.diagnostics);
  if (!text) return outcome;
  return load_channels(*text, path);
}

HandlersOutcome load_handlers(std::string_view yaml_text, std::string_view file_name) {
  HandlersOutcome outcome;
  try {
    auto document = parse(yaml_text, file_name, outcome.diagnostics);
    if (!document) return outcome;
    yaml::FieldReader fields{outcome.diagnostics};
    ConfigReader reader{fields, folder_of(file_name)};
    std::vector<Entry> entries = reader.read(document->root(), true);
    if (!outcome.ok()) return outcome;
    HandlerRegistry handlers;
    for (const Entry& entry : entries) {
      auto handler = make_handler(entry);
      if (!handler) {
        factory_problem(reader, entry, handler.error());
        continue;
      }
      handlers.add(entry.name, *std::move(handler));
    }
    if (outcome.ok()) outcome.handlers = std::move(handlers);
  } catch (const std::exception& e) {
    outcome.handlers = HandlerRegistry{};
    internal_problem(outcome.diagnostics, file_name, e.what());
  }
  return outcome;
}

HandlersOutcome load_handlers_file(const std::string& path) {
  HandlersOutcome outcome;
  std::optional<std::string> text = model::read_source_file(path, outcome.diagnostics);
  if (!text) return outcome;
  return load_handlers(*text, path);
}

}  // namespace crmflow
