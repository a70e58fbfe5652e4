// engine/io/bng_import.cc
//
// BioNetGen .net → grnsim::v1::Network (see bng_import.h for what is carried
// over). A line reader over the whole file: blocks `begin X` … `end X`, one
// entry per line, `#` to the end of a line a comment. Expressions are
// compiled and evaluated with the engine's own expression compiler, so
// exactly the syntax grnsim accepts elsewhere is accepted here.
//
// Set-up cost is linear in the file: one pass, a hash lookup per name, and
// rate expressions are evaluated once per distinct text (fceri_gamma2 has
// 58,276 reactions but a few dozen rate texts).
#include "engine/io/bng_import.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "engine/base/status_macros.h"
#include "engine/kinetics/expression.h"

namespace grn {
namespace {

using grnsim::v1::Network;

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// One whitespace-separated word of a line and its 1-based column.
struct Token {
  std::string_view text;
  int column;
};

// Splits the part of `line` before any '#'; `comment` gets the rest (trimmed).
std::vector<Token> Tokenize(std::string_view line, std::string_view* comment) {
  std::vector<Token> tokens;
  const std::size_t hash = line.find('#');
  if (comment != nullptr) {
    *comment = hash == std::string_view::npos ? std::string_view() : line.substr(hash + 1);
    while (!comment->empty() && std::isspace(static_cast<unsigned char>(comment->front()))) {
      comment->remove_prefix(1);
    }
    while (!comment->empty() && std::isspace(static_cast<unsigned char>(comment->back()))) {
      comment->remove_suffix(1);
    }
  }
  const std::string_view body = line.substr(0, hash);
  std::size_t i = 0;
  while (i < body.size()) {
    while (i < body.size() && std::isspace(static_cast<unsigned char>(body[i]))) ++i;
    if (i >= body.size()) break;
    const std::size_t start = i;
    while (i < body.size() && !std::isspace(static_cast<unsigned char>(body[i]))) ++i;
    tokens.push_back({body.substr(start, i - start), static_cast<int>(start) + 1});
  }
  return tokens;
}

bool ParseIndex(std::string_view text, long* value) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *value);
  return ec == std::errc() && end == text.data() + text.size();
}

bool ParseNumber(std::string_view text, double* value) {
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *value);
  return ec == std::errc() && end == text.data() + text.size() && std::isfinite(*value);
}

// The tokens from `first` on, joined without spaces (BNG writes expressions
// without them, but a hand edit may add some).
std::string JoinFrom(const std::vector<Token>& tokens, std::size_t first) {
  std::string out;
  for (std::size_t i = first; i < tokens.size(); ++i) out += tokens[i].text;
  return out;
}

std::string Literal(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

double Factorial(long m) {
  double f = 1;
  for (long i = 2; i <= m; ++i) f *= static_cast<double>(i);
  return f;
}

// The rate laws BNG writes by keyword rather than as a constant expression.
constexpr const char* kRateLawKeywords[] = {"Sat", "MM", "Hill", "Arrhenius", "FunctionProduct"};

class BngSourceMap : public SourceMap {
 public:
  explicit BngSourceMap(std::string path) : path_(std::move(path)) {}

  void Record(const std::string& field, int line) { lines_[field].push_back(line); }

  std::string Locate(const FieldPath& where) const override {
    if (where.empty()) return path_;
    const auto it = lines_.find(where.front().first);
    const int index = where.front().second;
    if (it == lines_.end() || index < 0 || index >= static_cast<int>(it->second.size())) {
      return path_;
    }
    return path_ + ":" + std::to_string(it->second[index]);
  }

 private:
  std::string path_;
  std::map<std::string, std::vector<int>> lines_;  // top-level field → line per element
};

class BngReader {
 public:
  BngReader(std::string path, const std::string& text, const BngImportOptions& options)
      : path_(std::move(path)), text_(text), options_(options),
        source_(std::make_shared<BngSourceMap>(path_)) {}

  StatusOr<NetworkFile> Run() {
    GRN_RETURN_IF_ERROR(SplitLines());
    GRN_RETURN_IF_ERROR(FindBlocks());
    ChooseNames();
    std::string stem = path_.substr(path_.find_last_of('/') + 1);
    if (EndsWith(stem, ".net")) stem.resize(stem.size() - 4);
    std::string name;
    for (char c : stem) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) name = "bng_" + name;
    net_.set_name(name);
    net_.set_time_unit(Network::s);
    net_.set_description("Imported from the BioNetGen network file " + stem +
                         ".net. BioNetGen has no time unit: seconds are assumed.");
    for (const Block& block : blocks_) {
      if (block.name == "parameters") GRN_RETURN_IF_ERROR(ReadParameters(block));
    }
    for (const Block& block : blocks_) {
      if (block.name == "species") GRN_RETURN_IF_ERROR(ReadSpecies(block));
    }
    for (const Block& block : blocks_) {
      if (block.name == "reactions") GRN_RETURN_IF_ERROR(ReadReactions(block));
    }
    if (options_.groups) {
      for (const Block& block : blocks_) {
        if (block.name == "groups") GRN_RETURN_IF_ERROR(ReadGroups(block));
      }
    }
    NetworkFile file;
    file.network = std::move(net_);
    file.source = source_;
    return file;
  }

 private:
  struct Block {
    std::string name;
    int begin_line;                 // 1-based line of `begin`
    std::size_t first, last;        // lines_[first, last) are the entries
  };

  Status Error(int line, int column, const std::string& message) const {
    return InvalidArgumentError(path_ + ":" + std::to_string(line) + ":" + std::to_string(column) +
                                ": " + message);
  }
  Status Unsupported(int line, const std::string& message) const {
    return NotSupportedError(path_ + ":" + std::to_string(line) + ": " + message);
  }

  Status SplitLines() {
    std::string_view rest(text_);
    while (!rest.empty()) {
      const std::size_t nl = rest.find('\n');
      std::string_view line = rest.substr(0, nl);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.find('\0') != std::string_view::npos) {
        return Error(static_cast<int>(lines_.size()) + 1, static_cast<int>(line.find('\0')) + 1,
                     "NUL byte: not a text file");
      }
      lines_.push_back(line);
      if (nl == std::string_view::npos) break;
      rest.remove_prefix(nl + 1);
    }
    return Status::OK();
  }

  // Groups lines into blocks; checks begin/end pairing and block names.
  Status FindBlocks() {
    const Block* open = nullptr;
    Block current;
    bool any = false;
    for (std::size_t i = 0; i < lines_.size(); ++i) {
      const int line = static_cast<int>(i) + 1;
      const std::vector<Token> tokens = Tokenize(lines_[i], nullptr);
      if (tokens.empty()) continue;
      const std::string head(tokens[0].text);
      if (head == "begin" || head == "end") {
        std::string name;
        for (std::size_t t = 1; t < tokens.size(); ++t) {
          if (!name.empty()) name += ' ';
          name += tokens[t].text;
        }
        if (name.empty()) return Error(line, tokens[0].column, "expected a block name after '" + head + "'");
        if (head == "begin") {
          if (open != nullptr) {
            return Error(line, 1, "'begin " + name + "' inside 'begin " + open->name + "' (line " +
                                      std::to_string(open->begin_line) + "): expected 'end " +
                                      open->name + "' first");
          }
          if (name == "compartments") {
            return Unsupported(line, "compartments (cBNGL) are not supported: grnsim imports "
                                     "networks of molecule counts in one volume");
          }
          if (name == "energy patterns") {
            return Unsupported(line, "energy patterns are not supported");
          }
          if (name == "seed species" || name == "reaction rules" || name == "model" ||
              name == "observables") {
            return Error(line, 1, "'begin " + name + "' is BNGL model syntax, not a generated "
                                  "network: run BNG2.pl generate_network and import the .net file");
          }
          if (name != "parameters" && name != "functions" && name != "species" &&
              name != "reactions" && name != "groups" && name != "molecule types") {
            return Error(line, 7, "unknown block 'begin " + name +
                                      "' (expected parameters, functions, species, reactions or groups)");
          }
          current = Block{name, line, i + 1, i + 1};
          open = &current;
          any = true;
        } else {
          if (open == nullptr) return Error(line, 1, "'end " + name + "' without a matching 'begin'");
          if (name != open->name) {
            return Error(line, 5, "'end " + name + "' does not close 'begin " + open->name +
                                      "' (line " + std::to_string(open->begin_line) + ")");
          }
          current.last = i;
          blocks_.push_back(current);
          open = nullptr;
        }
        continue;
      }
      if (open == nullptr) {
        return Error(line, tokens[0].column, "unexpected '" + std::string(tokens[0].text) +
                                                 "' outside a block: expected 'begin <block>'");
      }
    }
    if (open != nullptr) {
      return Error(static_cast<int>(lines_.size()), 1,
                   "the file ends inside 'begin " + open->name + "' (line " +
                       std::to_string(open->begin_line) + ") without 'end " + open->name +
                       "': is it truncated?");
    }
    if (!any) return Error(1, 1, "no BioNetGen blocks found (expected 'begin parameters', "
                                 "'begin species', 'begin reactions')");
    // Names declared by functions, for refusing functional rate laws by name.
    for (const Block& block : blocks_) {
      if (block.name != "functions") continue;
      for (std::size_t i = block.first; i < block.last; ++i) {
        const std::vector<Token> tokens = Tokenize(lines_[i], nullptr);
        if (tokens.empty()) continue;
        long index;
        const std::string_view word =
            tokens.size() > 1 && ParseIndex(tokens[0].text, &index) ? tokens[1].text : tokens[0].text;
        functions_.emplace(word.substr(0, word.find('(')));
      }
    }
    return Status::OK();
  }

  // Picks prefixes for generated names that no name in the file can clash with.
  void ChooseNames() {
    std::vector<std::string> names;
    for (const Block& block : blocks_) {
      if (block.name != "parameters" && block.name != "groups") continue;
      for (std::size_t i = block.first; i < block.last; ++i) {
        const std::vector<Token> tokens = Tokenize(lines_[i], nullptr);
        if (tokens.size() >= 2) names.emplace_back(tokens[1].text);
      }
    }
    names.insert(names.end(), functions_.begin(), functions_.end());
    auto free = [&names](const std::string& prefix) {
      for (const std::string& n : names) {
        if (n.size() > prefix.size() && n.compare(0, prefix.size(), prefix) == 0 &&
            std::all_of(n.begin() + prefix.size(), n.end(),
                        [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
          return false;
        }
      }
      return true;
    };
    auto pick = [&](std::initializer_list<const char*> candidates) {
      for (const char* c : candidates) {
        if (free(c)) return std::string(c);
      }
      return std::string("bng_generated_") + *candidates.begin();
    };
    species_prefix_ = pick({"S", "X", "Sp", "species_"});
    reaction_prefix_ = pick({"R", "Rx", "reaction_"});
    derived_prefix_ = pick({"k_expr", "bng_k_expr"});
  }

  // Compiles and evaluates an expression over the parameters read so far.
  StatusOr<double> Evaluate(const std::string& expression, int line, int column,
                            const std::string& what) const {
    for (const std::string& name : ExpressionNames(expression)) {
      if (functions_.count(name)) {
        return Unsupported(line, what + ": functional rate law '" + name +
                                     "' (a 'begin functions' entry) is not supported; grnsim "
                                     "imports elementary mass-action rates only");
      }
      if (!parameters_.count(name)) {
        return Error(line, column, what + ": unknown parameter '" + name + "' in '" + expression +
                                       "' (parameters must be defined before they are used)");
      }
    }
    const NameResolver resolve = [this](const std::string& name) {
      NameBinding b;
      const auto it = parameters_.find(name);
      if (it != parameters_.end()) {
        b.kind = NameBinding::kConstant;
        b.value = it->second;
      }
      return b;
    };
    StatusOr<ExpressionProgram> program = CompileExpression(expression, resolve);
    if (!program.ok()) {
      return Error(line, column, what + ": cannot read '" + expression + "': " +
                                     program.status().message());
    }
    return EvaluateExpression(*program, nullptr, nullptr, 0.0);
  }

  Status ReadParameters(const Block& block) {
    for (std::size_t i = block.first; i < block.last; ++i) {
      const int line = static_cast<int>(i) + 1;
      const std::vector<Token> t = Tokenize(lines_[i], nullptr);
      if (t.empty()) continue;
      long index;
      if (t.size() < 3 || !ParseIndex(t[0].text, &index)) {
        return Error(line, t[0].column, "expected a parameter line 'index name value'");
      }
      const std::string name(t[1].text);
      const std::string expression = JoinFrom(t, 2);
      if (parameters_.count(name)) {
        return Error(line, t[1].column, "parameter '" + name + "' is defined twice");
      }
      double value;
      const bool literal = ParseNumber(expression, &value);
      if (!literal) {
        GRN_ASSIGN_OR_RETURN(value, Evaluate(expression, line, t[2].column, "parameter '" + name + "'"));
      }
      parameters_.emplace(name, value);
      grnsim::v1::Parameter* p = net_.add_parameter();
      p->set_name(name);
      p->set_value(value);
      source_->Record("parameter", line);
      if (!literal) {
        p->set_description("BioNetGen: " + expression);
        AddInitialAssignment(name, expression, line);
      }
    }
    return Status::OK();
  }

  void AddInitialAssignment(const std::string& variable, const std::string& expression, int line) {
    grnsim::v1::InitialAssignment* ia = net_.add_initial_assignment();
    ia->set_variable(variable);
    ia->set_expression(expression);
    source_->Record("initial_assignment", line);
  }

  Status ReadSpecies(const Block& block) {
    for (std::size_t i = block.first; i < block.last; ++i) {
      const int line = static_cast<int>(i) + 1;
      const std::vector<Token> t = Tokenize(lines_[i], nullptr);
      if (t.empty()) continue;
      long index;
      if (t.size() < 3 || !ParseIndex(t[0].text, &index)) {
        return Error(line, t[0].column, "expected a species line 'index pattern amount'");
      }
      const long expected = net_.species_size() + 1;
      if (index != expected) {
        return Error(line, t[0].column, "species index " + std::string(t[0].text) +
                                            " out of order (expected " + std::to_string(expected) + ")");
      }
      std::string_view pattern = t[1].text;
      const bool fixed = !pattern.empty() && pattern.front() == '$';
      if (pattern.find('@') != std::string_view::npos) {
        return Unsupported(line, "species " + std::to_string(index) + " '" + std::string(pattern) +
                                     "' has a compartment: compartments (cBNGL) are not supported");
      }
      const std::string amount = JoinFrom(t, 2);
      double value;
      const bool literal = ParseNumber(amount, &value);
      if (!literal) {
        GRN_ASSIGN_OR_RETURN(value, Evaluate(amount, line, t[2].column,
                                             "species " + std::to_string(index)));
      }
      grnsim::v1::Species* s = net_.add_species();
      const std::string name = species_prefix_ + std::to_string(index);
      s->set_name(name);
      s->set_initial_count(value);
      s->set_description(std::string(pattern));
      if (fixed) s->set_constant(true);
      source_->Record("species", line);
      if (!literal) AddInitialAssignment(name, amount, line);
    }
    return Status::OK();
  }

  // Parses "0" or "i,j,k" into 1-based species indices.
  Status ReadSpeciesList(const Token& token, int line, std::vector<long>* out) const {
    out->clear();
    if (token.text == "0") return Status::OK();
    std::size_t pos = 0;
    while (pos <= token.text.size()) {
      const std::size_t comma = std::min(token.text.find(',', pos), token.text.size());
      const std::string_view item = token.text.substr(pos, comma - pos);
      long index;
      const int column = token.column + static_cast<int>(pos);
      if (!ParseIndex(item, &index)) {
        return Error(line, column, "expected a species index, got '" + std::string(item) + "'");
      }
      if (index < 1 || index > net_.species_size()) {
        return Error(line, column, "unknown species index " + std::string(item) + " (the file defines " +
                                       std::to_string(net_.species_size()) + " species)");
      }
      out->push_back(index);
      pos = comma + 1;
    }
    return Status::OK();
  }

  // How a rate text (times the symmetry factor) becomes a grnsim constant.
  struct Rate {
    enum Kind { kLiteral, kParam } kind;
    double value = 0;
    std::string param;
  };

  StatusOr<Rate> ResolveRate(const std::string& text, double factor, int line, int column,
                             const std::string& who) {
    const std::string key = Literal(factor) + "|" + text;
    if (const auto it = rates_.find(key); it != rates_.end()) return it->second;
    for (const char* keyword : kRateLawKeywords) {
      const std::size_t n = std::strlen(keyword);
      if (text.compare(0, n, keyword) == 0 && (text.size() == n || text[n] == '(')) {
        return Unsupported(line, who + ": rate law '" + keyword +
                                     "' is not supported (only elementary mass-action rates)");
      }
    }
    Rate rate;
    double literal;
    if (ParseNumber(text, &literal)) {
      rate.kind = Rate::kLiteral;
      rate.value = factor * literal;
    } else if (factor == 1.0 && parameters_.count(text)) {
      rate.kind = Rate::kParam;
      rate.param = text;
    } else {
      GRN_ASSIGN_OR_RETURN(const double value, Evaluate(text, line, column, who));
      const std::string expression = factor == 1.0 ? text : Literal(factor) + "*(" + text + ")";
      rate.kind = Rate::kParam;
      rate.param = derived_prefix_ + std::to_string(++derived_count_);
      grnsim::v1::Parameter* p = net_.add_parameter();
      p->set_name(rate.param);
      p->set_value(factor * value);
      p->set_description(factor == 1.0 ? "BioNetGen rate constant " + text
                                       : "BioNetGen rate constant " + text + " times " +
                                             Literal(factor) +
                                             " for identical reactants (grnsim counts combinations)");
      source_->Record("parameter", line);
      AddInitialAssignment(rate.param, expression, line);
    }
    rates_.emplace(key, rate);
    return rate;
  }

  Status ReadReactions(const Block& block) {
    std::vector<long> reactants, products;
    std::vector<std::pair<long, std::uint32_t>> terms;
    auto merge = [&terms](const std::vector<long>& list) {
      terms.clear();
      for (long s : list) {
        auto it = std::find_if(terms.begin(), terms.end(), [s](const auto& t) { return t.first == s; });
        if (it == terms.end()) terms.emplace_back(s, 1);
        else ++it->second;
      }
    };
    for (std::size_t i = block.first; i < block.last; ++i) {
      const int line = static_cast<int>(i) + 1;
      std::string_view comment;
      const std::vector<Token> t = Tokenize(lines_[i], &comment);
      if (t.empty()) continue;
      long index;
      if (t.size() < 4 || !ParseIndex(t[0].text, &index)) {
        return Error(line, t[0].column,
                     "expected a reaction line 'index reactants products rate' (species lists "
                     "such as 1,2 or 0 for none)");
      }
      const std::string who = "reaction " + std::string(t[0].text);
      GRN_RETURN_IF_ERROR(ReadSpeciesList(t[1], line, &reactants));
      GRN_RETURN_IF_ERROR(ReadSpeciesList(t[2], line, &products));
      grnsim::v1::Reaction* rx = net_.add_reaction();
      rx->set_name(reaction_prefix_ + std::string(t[0].text));
      if (!comment.empty()) rx->set_description(std::string(comment));
      merge(reactants);
      double factor = 1.0;
      for (const auto& [s, m] : terms) {
        grnsim::v1::Term* term = rx->add_reactant();
        term->set_species(species_prefix_ + std::to_string(s));
        if (m != 1) term->set_stoichiometry(m);
        factor *= Factorial(m);
      }
      merge(products);
      for (const auto& [s, m] : terms) {
        grnsim::v1::Term* term = rx->add_product();
        term->set_species(species_prefix_ + std::to_string(s));
        if (m != 1) term->set_stoichiometry(m);
      }
      GRN_ASSIGN_OR_RETURN(const Rate rate, ResolveRate(JoinFrom(t, 3), factor, line, t[3].column, who));
      if (rate.kind == Rate::kLiteral) {
        rx->set_k(rate.value);
      } else {
        rx->set_k_param(rate.param);
      }
      source_->Record("reaction", line);
    }
    return Status::OK();
  }

  Status ReadGroups(const Block& block) {
    for (std::size_t i = block.first; i < block.last; ++i) {
      const int line = static_cast<int>(i) + 1;
      const std::vector<Token> t = Tokenize(lines_[i], nullptr);
      if (t.empty()) continue;
      long index;
      if (t.size() < 2 || !ParseIndex(t[0].text, &index)) {
        return Error(line, t[0].column, "expected a group line 'index name members'");
      }
      const std::string name(t[1].text);
      std::string sum;
      if (t.size() >= 3) {
        const Token& members = t[2];
        std::size_t pos = 0;
        while (pos <= members.text.size()) {
          const std::size_t comma = std::min(members.text.find(',', pos), members.text.size());
          std::string_view item = members.text.substr(pos, comma - pos);
          const int column = members.column + static_cast<int>(pos);
          double weight = 1.0;
          if (const std::size_t star = item.find('*'); star != std::string_view::npos) {
            if (!ParseNumber(item.substr(0, star), &weight)) {
              return Error(line, column, "expected a weight such as 2*15, got '" + std::string(item) + "'");
            }
            item.remove_prefix(star + 1);
          }
          long s;
          if (!ParseIndex(item, &s)) {
            return Error(line, column, "expected a species index, got '" + std::string(item) + "'");
          }
          if (s < 1 || s > net_.species_size()) {
            return Error(line, column, "group '" + name + "': unknown species index " +
                                           std::string(item) + " (the file defines " +
                                           std::to_string(net_.species_size()) + " species)");
          }
          if (!sum.empty()) sum += " + ";
          if (weight != 1.0) sum += Literal(weight) + "*";
          sum += species_prefix_ + std::to_string(s);
          pos = comma + 1;
        }
      }
      if (sum.empty()) sum = "0";
      grnsim::v1::Species* sp = net_.add_species();
      sp->set_name(name);
      sp->set_role(grnsim::v1::Species::other);
      sp->set_description("BioNetGen group (observable)");
      source_->Record("species", line);
      grnsim::v1::AssignmentRule* rule = net_.add_assignment_rule();
      rule->set_variable(name);
      rule->set_expression(sum);
      source_->Record("assignment_rule", line);
    }
    return Status::OK();
  }

  std::string path_;
  const std::string& text_;
  BngImportOptions options_;
  std::shared_ptr<BngSourceMap> source_;
  std::vector<std::string_view> lines_;
  std::vector<Block> blocks_;
  std::unordered_set<std::string> functions_;
  std::unordered_map<std::string, double> parameters_;
  std::unordered_map<std::string, Rate> rates_;
  std::string species_prefix_, reaction_prefix_, derived_prefix_;
  int derived_count_ = 0;
  Network net_;
};

}  // namespace

bool IsBngPath(const std::string& path) { return EndsWith(path, ".net"); }

StatusOr<NetworkFile> ImportBngText(const std::string& path, const std::string& text,
                                    const BngImportOptions& options) {
  return BngReader(path, text, options).Run();
}

StatusOr<NetworkFile> ImportBng(const std::string& path, const BngImportOptions& options) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return NotFoundError(path + ": no such file");
    return IOError(path + ": cannot read: " + std::strerror(errno));
  }
  if (S_ISDIR(st.st_mode)) return InvalidArgumentError(path + ": is a directory, not a network file");
  std::ifstream in(path, std::ios::binary);
  if (!in) return IOError(path + ": cannot open: " + std::strerror(errno));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return IOError(path + ": read failed");
  return ImportBngText(path, buffer.str(), options);
}

}  // namespace grn
