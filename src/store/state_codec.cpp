// CaseState <-> bytes. The layout and the rules for changing it are in state_codec.hpp; this file
// is the only place the state is serialised. Reading trusts nothing it reads: lengths and counts
// are believed only as far as the data goes, enums and bools are range-checked, and every
// exception becomes an error.
#include "store/state_codec.hpp"

#include <algorithm>
#include <boost/archive/archive_exception.hpp>
#include <boost/archive/basic_archive.hpp>
#include <boost/archive/binary_iarchive.hpp>
#include <boost/archive/binary_oarchive.hpp>
#include <boost/serialization/level.hpp>
#include <boost/serialization/tracking.hpp>
#include <boost/serialization/version.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <stdexcept>
#include <streambuf>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "crmflow/json.hpp"

// Every class of the state: its own version (bumped when it gains a field: see the header), its
// class information written once per archive so that the version travels, never tracked (the
// state holds no pointers and no object twice, and tracking would cost an id per object).
#define CRMFLOW_STATE_CLASS(T, version)                                  \
  BOOST_CLASS_IMPLEMENTATION(T, boost::serialization::object_class_info) \
  BOOST_CLASS_TRACKING(T, boost::serialization::track_never)             \
  BOOST_CLASS_VERSION(T, version)

CRMFLOW_STATE_CLASS(crmflow::Token, 0)
CRMFLOW_STATE_CLASS(crmflow::JoinState, 0)
CRMFLOW_STATE_CLASS(crmflow::IncidentState, 0)
CRMFLOW_STATE_CLASS(crmflow::ScopeInstance, 0)
CRMFLOW_STATE_CLASS(crmflow::MultiInstanceState, 0)
CRMFLOW_STATE_CLASS(crmflow::BoundaryWait, 0)
CRMFLOW_STATE_CLASS(crmflow::ArmedAlarm, 0)
CRMFLOW_STATE_CLASS(crmflow::EventRace, 0)
CRMFLOW_STATE_CLASS(crmflow::CaseState, 0)

#undef CRMFLOW_STATE_CLASS

namespace crmflow::store {
namespace {

constexpr std::string_view kMagic = "CFST";
// The codec format this build writes, and the newest it reads. Formats start at 1.
constexpr std::uint32_t kFormat = 1;
// Written in the writer's own byte order: a reader of the other order sees 0x0201.
constexpr std::uint16_t kByteOrderMark = 0x0102;
constexpr std::size_t kHeaderSize = 12;  // magic, format (LE u32), byte order, Boost version (LE)
// The Boost archive version of Boost 1.81, the first release's Boost: nothing older was ever
// written (and versions before 7 read flags as bool, which bad bytes could make invalid).
constexpr std::uint16_t kOldestBoostArchive = 19;
// Our header replaces Boost's; Boost must not touch the stream's locale.
constexpr unsigned kArchiveFlags = boost::archive::no_header | boost::archive::no_codecvt;
// Text is read in pieces of this size, so a corrupt length fails at the end of the data instead
// of allocating what it claims first.
constexpr std::size_t kTextPiece = std::size_t{64} * 1024;

// Thrown while reading when the bytes hold something no crmflow writes; decode_state turns it
// into an error.
class CorruptState : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Appends what the archive writes to a string (std::ostringstream would copy it once more).
class StringSink final : public std::streambuf {
 public:
  explicit StringSink(std::string& out) : out_(out) {}

 protected:
  std::streamsize xsputn(const char* data, std::streamsize size) override {
    out_.append(data, static_cast<std::size_t>(size));
    return size;
  }
  int_type overflow(int_type c) override {
    if (!traits_type::eq_int_type(c, traits_type::eof()))
      out_.push_back(traits_type::to_char_type(c));
    return traits_type::not_eof(c);
  }

 private:
  std::string& out_;
};

// Lets the archive read the caller's bytes in place. The get area is only ever read.
class ViewSource final : public std::streambuf {
 public:
  explicit ViewSource(std::string_view bytes) {
    char* begin = const_cast<char*>(bytes.data());  // NOLINT(cppcoreguidelines-pro-type-const-cast)
    setg(begin, begin, begin + bytes.size());
  }
  std::size_t remaining() const { return static_cast<std::size_t>(egptr() - gptr()); }
};

template <class Archive>
constexpr bool kLoading = Archive::is_loading::value;

// Reads or writes the fields in order, as the archive goes.
template <class Archive, class... T>
void fields(Archive& ar, T&... field) {
  if constexpr (kLoading<Archive>) {
    (ar >> ... >> field);
  } else {
    (ar << ... << field);
  }
}

// A newer class version means a newer crmflow wrote the record: Boost itself no longer checks.
template <class T>
void check_version(unsigned version, const char* name) {
  const unsigned known = boost::serialization::version<T>::value;
  if (version > known) {
    throw CorruptState("written by a newer crmflow (" + std::string(name) + " record version " +
                       std::to_string(version) + ", this build reads up to " +
                       std::to_string(known) + ")");
  }
}

template <class Archive>
void text(Archive& ar, std::string& s) {
  std::uint64_t size = s.size();
  fields(ar, size);
  if constexpr (kLoading<Archive>) {
    s.clear();
    while (size > 0) {
      const auto piece = static_cast<std::size_t>(std::min<std::uint64_t>(size, kTextPiece));
      const std::size_t at = s.size();
      s.resize(at + piece);
      ar.load_binary(s.data() + at, piece);
      size -= piece;
    }
  } else if (size > 0) {
    ar.save_binary(s.data(), s.size());
  }
}

// A Value as typed JSON text: kinds, datetime offsets and durations survive exactly.
template <class Archive>
void value(Archive& ar, Value& v) {
  std::string json;
  if constexpr (!kLoading<Archive>) json = to_json(v, JsonStyle::typed);
  text(ar, json);
  if constexpr (kLoading<Archive>) {
    Result<Value> parsed = parse_json(json, JsonStyle::typed);
    if (!parsed) throw CorruptState("a stored value is not typed JSON: " + parsed.error().message);
    v = std::move(*parsed);
  }
}

template <class Archive>
void instant(Archive& ar, Instant& t) {
  std::int64_t millis = t.time_since_epoch().count();
  fields(ar, millis);
  if constexpr (kLoading<Archive>) t = Instant{std::chrono::milliseconds{millis}};
}

// A bool as one byte that must be 0 or 1 (a bool holding anything else is undefined behaviour).
template <class Archive>
void flag(Archive& ar, bool& b, const char* what) {
  std::uint8_t raw = b ? 1 : 0;
  fields(ar, raw);
  if constexpr (kLoading<Archive>) {
    if (raw > 1) throw CorruptState(std::string(what) + " is " + std::to_string(raw));
    b = raw == 1;
  }
}

// An enum as its underlying integer, which must name one of its enumerators up to `last`.
template <class Archive, class E>
void enumeration(Archive& ar, E& e, E last, const char* what) {
  using Raw = std::underlying_type_t<E>;
  Raw raw = static_cast<Raw>(e);
  fields(ar, raw);
  if constexpr (kLoading<Archive>) {
    if (raw > static_cast<Raw>(last)) {
      throw CorruptState(std::string(what) + " " + std::to_string(raw) + " is unknown");
    }
    e = static_cast<E>(raw);
  }
}

template <class Archive, class T>
void element(Archive& ar, T& item) {
  fields(ar, item);
}
template <class Archive>
void element(Archive& ar, Value& item) {
  value(ar, item);
}

// A count (u64) and the elements. Loading grows the vector element by element: every element
// takes bytes, so a corrupt count runs out of data long before it runs out of memory.
template <class Archive, class T>
void sequence(Archive& ar, std::vector<T>& items) {
  std::uint64_t size = items.size();
  fields(ar, size);
  if constexpr (kLoading<Archive>) {
    items.clear();
    for (; size > 0; --size) element(ar, items.emplace_back());
  } else {
    for (T& item : items) element(ar, item);
  }
}

std::string_view native_bytes(const std::uint16_t& n) {
  return {reinterpret_cast<const char*>(&n), sizeof n};  // NOLINT(*-reinterpret-cast)
}

// Appends `n` little-endian, in as many bytes as its type has.
template <class UInt>
void append_le(std::string& out, UInt n) {
  static_assert(std::is_unsigned_v<UInt>);
  for (std::size_t i = 0; i < sizeof n; ++i)
    out.push_back(static_cast<char>((n >> (8 * i)) & 0xFFu));
}

// The little-endian number `bytes` (at most 8) hold.
std::uint64_t read_le(std::string_view bytes) {
  std::uint64_t n = 0;
  for (std::size_t i = bytes.size(); i-- > 0;) {
    n = (n << 8) | static_cast<unsigned char>(bytes[i]);
  }
  return n;
}

Error corrupt(std::string what) { return internal_error("case state: " + std::move(what)); }

}  // namespace
}  // namespace crmflow::store

// Found by Boost through argument-dependent lookup on boost::serialization::version_type.
namespace boost::serialization {

template <class Archive>
void serialize(Archive& ar, crmflow::Token& t, const unsigned version) {
  namespace s = crmflow::store;
  s::check_version<crmflow::Token>(version, "token");
  s::fields(ar, t.id, t.step, t.scope, t.via);
  s::enumeration(ar, t.wait, crmflow::WaitKind::call, "token wait kind");
  s::fields(ar, t.ref, t.attempt);
}

template <class Archive>
void serialize(Archive& ar, crmflow::JoinState& j, const unsigned version) {
  namespace s = crmflow::store;
  s::check_version<crmflow::JoinState>(version, "join");
  s::fields(ar, j.scope, j.step);
  s::sequence(ar, j.arrived);
}

template <class Archive>
void serialize(Archive& ar, crmflow::IncidentState& i, const unsigned version) {
  namespace s = crmflow::store;
  s::check_version<crmflow::IncidentState>(version, "incident");
  s::fields(ar, i.token, i.step);
  s::enumeration(ar, i.phase, crmflow::IncidentState::Phase::leave, "incident phase");
  s::text(ar, i.message);
  s::instant(ar, i.at);
}

template <class Archive>
void serialize(Archive& ar, crmflow::ScopeInstance& i, const unsigned version) {
  namespace s = crmflow::store;
  s::check_version<crmflow::ScopeInstance>(version, "scope");
  s::fields(ar, i.id, i.parent, i.owner, i.step);
  s::flag(ar, i.instance, "the scope's instance flag");
  s::fields(ar, i.item);
  s::value(ar, i.locals);
}

template <class Archive>
void serialize(Archive& ar, crmflow::MultiInstanceState& m, const unsigned version) {
  namespace s = crmflow::store;
  s::check_version<crmflow::MultiInstanceState>(version, "multi-instance");
  s::fields(ar, m.token, m.step);
  s::sequence(ar, m.items);
  s::fields(ar, m.started, m.completed);
  s::sequence(ar, m.results);
}

template <class Archive>
void serialize(Archive& ar, crmflow::BoundaryWait& b, const unsigned version) {
  namespace s = crmflow::store;
  s::check_version<crmflow::BoundaryWait>(version, "boundary");
  s::fields(ar, b.token, b.index, b.job, b.fired);
  s::instant(ar, b.anchor);
}

template <class Archive>
void serialize(Archive& ar, crmflow::ArmedAlarm& a, const unsigned version) {
  namespace s = crmflow::store;
  s::check_version<crmflow::ArmedAlarm>(version, "alarm");
  s::fields(ar, a.token, a.index, a.job, a.fired);
  s::instant(ar, a.first);
}

template <class Archive>
void serialize(Archive& ar, crmflow::EventRace& r, const unsigned version) {
  namespace s = crmflow::store;
  s::check_version<crmflow::EventRace>(version, "race");
  s::fields(ar, r.gateway, r.scope);
  s::sequence(ar, r.racers);
}

template <class Archive>
void serialize(Archive& ar, crmflow::CaseState& c, const unsigned version) {
  namespace s = crmflow::store;
  s::check_version<crmflow::CaseState>(version, "case state");
  s::sequence(ar, c.tokens);
  s::sequence(ar, c.joins);
  s::sequence(ar, c.incidents);
  s::sequence(ar, c.scopes);
  s::sequence(ar, c.alarms);
  s::sequence(ar, c.boundaries);
  s::sequence(ar, c.races);
  s::sequence(ar, c.multis);
  s::sequence(ar, c.path);
  s::text(ar, c.error);
  s::fields(ar, c.next_token, c.next_scope, c.history_sequence, c.notification_sequence);
}

}  // namespace boost::serialization

namespace crmflow::store {

std::string encode_state(const CaseState& state) {
  std::string out;
  out.reserve(256);
  out.append(kMagic);
  append_le(out, kFormat);
  out.append(native_bytes(kByteOrderMark));
  append_le(out, static_cast<std::uint16_t>(boost::archive::BOOST_ARCHIVE_VERSION()));
  StringSink sink{out};
  {
    boost::archive::binary_oarchive archive{sink, kArchiveFlags};
    archive << state;
  }
  return out;
}

Result<std::shared_ptr<const CaseState>> decode_state(std::string_view bytes) {
  try {
    if (bytes.size() < kHeaderSize || bytes.substr(0, kMagic.size()) != kMagic) {
      return corrupt("not a crmflow case state");
    }
    const std::uint64_t format = read_le(bytes.substr(4, 4));
    if (format == 0) return corrupt("not a crmflow case state (format 0)");
    if (format > kFormat) {
      return corrupt("written by a newer crmflow (format " + std::to_string(format) +
                     ", this build reads up to " + std::to_string(kFormat) + ")");
    }
    if (bytes.substr(8, 2) != native_bytes(kByteOrderMark)) {
      return corrupt(
          "written on a machine of another byte order (the binary format is not portable "
          "across architectures)");
    }
    const std::uint64_t boost_version = read_le(bytes.substr(10, 2));
    const unsigned newest_boost = boost::archive::BOOST_ARCHIVE_VERSION();
    if (boost_version < kOldestBoostArchive || boost_version > newest_boost) {
      return corrupt("written with Boost archive version " + std::to_string(boost_version) +
                     ", this build reads " + std::to_string(kOldestBoostArchive) + " to " +
                     std::to_string(newest_boost));
    }

    ViewSource source{bytes.substr(kHeaderSize)};
    auto state = std::make_shared<CaseState>();
    {
      boost::archive::binary_iarchive archive{source, kArchiveFlags};
      archive.set_library_version(
          boost::archive::library_version_type(static_cast<std::uint16_t>(boost_version)));
      archive >> *state;
    }
    if (source.remaining() != 0) {
      return corrupt("the data goes on after the end of the state (" +
                     std::to_string(source.remaining()) + " more bytes): it is corrupt");
    }
    return std::shared_ptr<const CaseState>(std::move(state));
  } catch (const CorruptState& e) {
    return corrupt(e.what());
  } catch (const boost::archive::archive_exception& e) {
    return corrupt(std::string("truncated or corrupt data (") + e.what() + ")");
  } catch (const std::exception& e) {
    return corrupt(std::string("cannot read it: ") + e.what());
  }
}

}  // namespace crmflow::store
