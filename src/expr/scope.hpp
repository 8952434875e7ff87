// crmflow::expr: where an expression finds its variables.
//
// An expression reads root names (`customer` in `customer.phone`) through a Scope; the fields and
// indexes after the root are read from the Value found. The runtime builds the chain it needs
// without allocating:
//
//   ValueScope vars{case_variables};             // the case's variables (an object Value)
//   NamedScope item{"item", current_item};       // multi-instance item
//   NamedScope kase{"case", case_object};         // case.id, case.key, ...
//   ChainedScope inner{item, vars};
//   ChainedScope all{inner, kase};                // item first, then variables, then `case`
//
// Scopes hold references: the referenced Values and Scopes must outlive the scope.
// Thread safety: find() is const and safe to call from several threads on an unchanged scope.
#pragma once

#include <string_view>

#include "crmflow/value.hpp"

namespace crmflow::expr {

class Scope {
 public:
  virtual ~Scope() = default;
  // The value bound to `root`, or nullptr when this scope does not define the name. A name bound
  // to null returns a pointer to a null Value (is_defined tells the two apart).
  virtual const Value* find(std::string_view root) const = 0;
};

// No names at all: for expressions that read no variables.
class EmptyScope final : public Scope {
 public:
  const Value* find(std::string_view) const override { return nullptr; }
};

// The members of an object Value as root names. A Value that is not an object defines nothing.
class ValueScope final : public Scope {
 public:
  explicit ValueScope(const Value& object) : object_(object) {}
  const Value* find(std::string_view root) const override { return object_.find(root); }

 private:
  const Value& object_;
};

// One name bound to one Value (`item`, `result`, `case`, `task`).
class NamedScope final : public Scope {
 public:
  NamedScope(std::string_view name, const Value& value) : name_(name), value_(value) {}
  const Value* find(std::string_view root) const override {
    return root == name_ ? &value_ : nullptr;
  }

 private:
  std::string_view name_;
  const Value& value_;
};

// `first`, and where it does not define a name, `then`. Nest to chain more than two.
class ChainedScope final : public Scope {
 public:
  ChainedScope(const Scope& first, const Scope& then) : first_(first), then_(then) {}
  const Value* find(std::string_view root) const override {
    const Value* found = first_.find(root);
    return found != nullptr ? found : then_.find(root);
  }

 private:
  const Scope& first_;
  const Scope& then_;
};

}  // namespace crmflow::expr
