// The .po reader.
#include "po_file.h"

namespace mk::i18n {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Decodes one "quoted string" (the whole trimmed token) and appends it to `out`.
Status AppendQuoted(std::string_view token, int line, std::string* out) {
  const std::string where = "line " + std::to_string(line) + ": ";
  if (token.size() < 2 || token.front() != '"' || token.back() != '"') {
    return InvalidArgument(where + "expected a string in double quotes");
  }
  token = token.substr(1, token.size() - 2);
  for (size_t i = 0; i < token.size(); ++i) {
    char c = token[i];
    if (c == '"') return InvalidArgument(where + "a double quote inside a string must be written \\\"");
    if (c != '\\') {
      out->push_back(c);
      continue;
    }
    if (++i >= token.size()) return InvalidArgument(where + "the string ends with a lone backslash");
    switch (char e = token[i]) {
      case 'n': out->push_back('\n'); break;
      case 't': out->push_back('\t'); break;
      case 'r': out->push_back('\r'); break;
      case 'a': out->push_back('\a'); break;
      case 'b': out->push_back('\b'); break;
      case 'f': out->push_back('\f'); break;
      case 'v': out->push_back('\v'); break;
      case '"': out->push_back('"'); break;
      case '\\': out->push_back('\\'); break;
      case '\'': out->push_back('\''); break;
      case '?': out->push_back('?'); break;
      default:
        if (e >= '0' && e <= '7') {
          int value = 0;
          int digits = 0;
          while (digits < 3 && i < token.size() && token[i] >= '0' && token[i] <= '7') {
            value = value * 8 + (token[i] - '0');
            ++i;
            ++digits;
          }
          --i;
          out->push_back(static_cast<char>(value & 0xFF));
        } else {
          return InvalidArgument(where + "unknown escape \\" + std::string(1, e));
        }
    }
  }
  return Status::Ok();
}

enum class Field { kNone, kContext, kId, kStr };

}  // namespace

Result<std::vector<PoEntry>> ParsePo(std::string_view text) {
  std::vector<PoEntry> entries;
  PoEntry current;
  bool has_id = false;
  bool has_str = false;
  bool has_context = false;
  bool next_fuzzy = false;
  Field field = Field::kNone;

  auto finish = [&]() -> Status {
    if (has_context && !has_id) return InvalidArgument("line " + std::to_string(current.line) + ": msgctxt without msgid");
    if (has_id && !has_str) {
      return InvalidArgument("line " + std::to_string(current.line) + ": msgid \"" + current.id + "\" has no msgstr");
    }
    if (has_id) entries.push_back(std::move(current));
    current = PoEntry();
    has_id = has_str = has_context = false;
    field = Field::kNone;
    return Status::Ok();
  };

  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  int line_no = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = Trim(text.substr(pos, end - pos));
    pos = end + 1;
    ++line_no;
    if (line.empty()) continue;
    const std::string where = "line " + std::to_string(line_no) + ": ";
    if (line.front() == '#') {
      if (line.substr(0, 2) == "#," && line.find("fuzzy") != std::string_view::npos) next_fuzzy = true;
      continue;
    }
    if (line.front() == '"') {
      std::string* target = field == Field::kContext ? &current.context
                            : field == Field::kId    ? &current.id
                            : field == Field::kStr   ? &current.str
                                                     : nullptr;
      if (target == nullptr) return InvalidArgument(where + "a string continues nothing");
      MK_RETURN_IF_ERROR(AppendQuoted(line, line_no, target));
      continue;
    }
    const size_t space = line.find_first_of(" \t");
    const std::string_view keyword = line.substr(0, space);
    const std::string_view rest = space == std::string_view::npos ? std::string_view() : Trim(line.substr(space));
    if (keyword == "msgctxt") {
      if (has_id) MK_RETURN_IF_ERROR(finish());
      if (has_context) return InvalidArgument(where + "two msgctxt in one entry");
      has_context = true;
      current.line = line_no;
      field = Field::kContext;
      MK_RETURN_IF_ERROR(AppendQuoted(rest, line_no, &current.context));
    } else if (keyword == "msgid") {
      if (has_id) MK_RETURN_IF_ERROR(finish());
      has_id = true;
      current.line = line_no;
      current.fuzzy = next_fuzzy;
      next_fuzzy = false;
      field = Field::kId;
      MK_RETURN_IF_ERROR(AppendQuoted(rest, line_no, &current.id));
    } else if (keyword == "msgstr") {
      if (!has_id) return InvalidArgument(where + "msgstr without msgid");
      if (has_str) return InvalidArgument(where + "two msgstr in one entry");
      has_str = true;
      field = Field::kStr;
      MK_RETURN_IF_ERROR(AppendQuoted(rest, line_no, &current.str));
    } else if (keyword == "msgid_plural" || keyword.substr(0, 7) == "msgstr[") {
      return InvalidArgument(where + "plural forms are not supported");
    } else {
      return InvalidArgument(where + "unknown keyword '" + std::string(keyword.substr(0, 40)) + "'");
    }
  }
  MK_RETURN_IF_ERROR(finish());
  return entries;
}

}  // namespace mk::i18n
