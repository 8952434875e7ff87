#include "expr/evaluator.hpp"

#include <array>
#include <cmath>
#include <memory>
#include <span>
#include <string>
#include <utility>

#include "expr/builtins.hpp"
#include "expr/eval_state.hpp"
#include "expr/operators.hpp"

namespace crmflow::expr {
namespace {

// The value stack. Values are constructed only when pushed, in inline storage for the usual
// small expressions (no allocation) and on the heap only for large ones; they stay contiguous so
// that built-ins receive their arguments as a span.
class ValueStack {
 public:
  explicit ValueStack(std::size_t capacity) {
    if (capacity > kInline) {
      heap_values_ = std::allocator<Value>{}.allocate(capacity);
      heap_capacity_ = capacity;
      heap_missing_ = std::make_unique<bool[]>(capacity);
      values_ = heap_values_;
      missing_ = heap_missing_.get();
    }
  }
  ValueStack(const ValueStack&) = delete;
  ValueStack& operator=(const ValueStack&) = delete;
  ~ValueStack() {
    drop(size_);
    if (heap_values_ != nullptr) std::allocator<Value>{}.deallocate(heap_values_, heap_capacity_);
  }

  void push(Value v, bool missing) {
    std::construct_at(values_ + size_, std::move(v));
    missing_[size_] = missing;
    ++size_;
  }
  Value pop() {
    Value v = std::move(values_[size_ - 1]);
    std::destroy_at(values_ + --size_);
    return v;
  }
  Value& top() { return values_[size_ - 1]; }
  bool& top_missing() { return missing_[size_ - 1]; }
  void set_top(Value v, bool missing = false) {
    values_[size_ - 1] = std::move(v);
    missing_[size_ - 1] = missing;
  }
  // The last n values, oldest first.
  std::span<const Value> last(std::size_t n) const { return {values_ + size_ - n, n}; }
  void drop(std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) std::destroy_at(values_ + --size_);
  }

 private:
  static constexpr std::size_t kInline = 16;
  // A union leaves its array unconstructed: each slot's lifetime starts at push().
  union InlineValues {
    InlineValues() {}
    ~InlineValues() {}
    Value values[kInline];
  };
  InlineValues inline_values_;
  std::array<bool, kInline> inline_missing_{};
  Value* heap_values_ = nullptr;
  std::size_t heap_capacity_ = 0;
  std::unique_ptr<bool[]> heap_missing_;
  Value* values_ = inline_values_.values;
  bool* missing_ = inline_missing_.data();
  std::size_t size_ = 0;
};

// `container[index]`; sets `missing` when there is no such element.
Value index_into(const Value& container, const Value& index, bool& missing, EvalState& state) {
  missing = true;
  if (index.is_null()) return Value{};
  if (!index.is_number() && !index.is_string()) {
    return state.fail(std::string{"type error: an index must be a whole number or a text, got "} +
                      std::string{index.kind_name()});
  }
  if (container.is_list()) {
    if (!index.is_number()) return Value{};
    const auto& list = container.as_list();
    const auto size = static_cast<std::int64_t>(list.size());
    std::int64_t i = 0;
    if (index.is_integer()) {
      i = index.as_integer();
    } else {
      const double d = index.as_double();
      if (d != std::floor(d) || std::fabs(d) > 9e15) return Value{};
      i = static_cast<std::int64_t>(d);
    }
    if (i < 0) i += size;  // -1 is the last element
    if (i < 0 || i >= size) return Value{};
    missing = false;
    return list[static_cast<std::size_t>(i)];
  }
  if (container.is_object() && index.is_string()) {
    const Value* member = container.find(index.as_string());
    if (member == nullptr) return Value{};
    missing = false;
    return *member;
  }
  return Value{};
}

Value make_object(const std::vector<std::string>& keys, std::span<const Value> values) {
  Value::Object object;
  for (std::size_t i = 0; i < keys.size(); ++i) object.emplace(keys[i], values[i]);
  return Value{std::move(object)};
}

// Checks the operand of and/or/not-like logic: true/false or null, else a type error.
bool logical_operand(const Value& v, const char* op, EvalState& state) {
  if (v.is_bool() || v.is_null()) return true;
  state.fail(std::string{"type error: '"} + op + "' needs true or false, got " +
             std::string{v.kind_name()});
  return false;
}

}  // namespace

Result<Value> run_program(const Program& program, const Scope& scope, const Context& ctx,
                          bool* missing) {
  EvalState state{ctx};
  ValueStack stack{program.max_stack};
  const auto& code = program.code;
  std::size_t pc = 0;
  std::uint32_t column = 1;
  while (pc < code.size()) {
    const Instruction& in = code[pc++];
    column = in.column;
    if (!state.charge(1)) break;
    switch (in.op) {
      case Op::push_const:
        stack.push(program.constants[in.a], false);
        break;
      case Op::load_root: {
        const Value* found = scope.find(program.names[in.a]);
        stack.push(found != nullptr ? *found : Value{}, found == nullptr);
        break;
      }
      case Op::get_field: {
        const Value* member = stack.top().find(program.names[in.a]);
        if (member != nullptr) {
          Value copy = *member;  // member lives inside top: copy before replacing it
          stack.set_top(std::move(copy));
        } else {
          stack.set_top(Value{}, true);
        }
        break;
      }
      case Op::get_index: {
        Value index = stack.pop();
        bool absent = true;
        Value element = index_into(stack.top(), index, absent, state);
        stack.set_top(std::move(element), absent);
        break;
      }
      case Op::negate:
      case Op::logical_not:
        stack.set_top(apply_unary(in.op, stack.top(), state));
        break;
      case Op::add:
      case Op::subtract:
      case Op::multiply:
      case Op::divide:
      case Op::modulo:
      case Op::equal:
      case Op::not_equal:
      case Op::less:
      case Op::less_equal:
      case Op::greater:
      case Op::greater_equal:
      case Op::in: {
        Value right = stack.pop();
        stack.set_top(apply_binary(in.op, stack.top(), right, state));
        break;
      }
      case Op::and_jump:
      case Op::or_jump: {
        const Value& left = stack.top();
        if (!logical_operand(left, op_symbol(in.op), state)) break;
        const bool decided = in.op == Op::and_jump ? left.is_bool() && !left.as_bool()
                                                   : left.is_bool() && left.as_bool();
        stack.top_missing() = false;
        if (decided) pc = in.a;
        break;
      }
      case Op::and_combine:
      case Op::or_combine: {
        Value right = stack.pop();
        if (!logical_operand(right, op_symbol(in.op), state)) break;
        // The left side is true or null here (false/true short-circuited for and/or).
        const bool is_and = in.op == Op::and_combine;
        const Value& left = stack.top();
        Value result;
        if (right.is_bool() && right.as_bool() != is_and) {
          result = Value{!is_and};  // `x and false` is false, `x or true` is true
        } else if (left.is_bool() && right.is_bool()) {
          result = Value{is_and};
        }
        stack.set_top(std::move(result));
        break;
      }
      case Op::jump_unless: {
        Value condition = stack.pop();
        if (condition.is_bool()) {
          if (!condition.as_bool()) pc = in.a;
        } else if (condition.is_null()) {
          pc = in.a;
        } else {
          state.fail(std::string{"type error: the condition of 'if' must be true or false, got "} +
                     std::string{condition.kind_name()});
        }
        break;
      }
      case Op::jump:
        pc = in.a;
        break;
      case Op::make_list: {
        if (!state.check_list(in.a)) break;
        auto items = stack.last(in.a);
        Value list{Value::List(items.begin(), items.end())};
        stack.drop(in.a);
        stack.push(std::move(list), false);
        break;
      }
      case Op::make_object: {
        Value object = make_object(program.key_lists[in.b], stack.last(in.a));
        stack.drop(in.a);
        stack.push(std::move(object), false);
        break;
      }
      case Op::call: {
        Value result = call_builtin(static_cast<Builtin>(in.a), stack.last(in.b), state);
        stack.drop(in.b);
        stack.push(std::move(result), false);
        break;
      }
      case Op::is_defined: {
        const bool defined = !stack.top_missing();
        stack.set_top(Value{defined});
        break;
      }
    }
    if (state.failed()) break;
  }
  if (state.failed()) {
    Error error = state.take_error();
    error.message += " (at column " + std::to_string(column) + ")";
    return error;
  }
  if (missing != nullptr) *missing = stack.top_missing();
  return stack.pop();
}

}  // namespace crmflow::expr
