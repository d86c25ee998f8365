// Parses spreadsheet CSV exports into records, remembering the line of each record and error.
#include "csv_reader.h"

#include <climits>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mk {
namespace {

enum class State { kFieldStart, kUnquoted, kQuoted, kAfterQuote };

bool IsLineBreak(char c) { return c == '\r' || c == '\n'; }

// Columns are counted in characters because that is what a person sees in an editor; a
// UTF-8 character contributes exactly one byte that is not a continuation byte (10xxxxxx).
// Only computed for an error, so the main loop does not pay for it.
std::size_t ColumnOf(std::string_view text, std::size_t line_start, std::size_t offset) {
  std::size_t column = 1;
  for (std::size_t i = line_start; i < offset; ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++column;
  }
  return column;
}

std::string At(std::size_t line, std::size_t column) {
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

// Lines of only spaces or tabs count as blank too: spreadsheets and hand edits leave them at
// the end of a file, and they never carry data. A quoted "" is a deliberate empty field.
bool IsBlankLine(const CsvRecord& record, const std::string& last_field, bool last_quoted) {
  if (!record.fields.empty() || last_quoted) return false;
  return last_field.find_first_not_of(" \t") == std::string::npos;
}

}  // namespace

char DetectSeparator(std::string_view header_line) {
  // Quotes are found without knowing the separator: a " opens a quoted cell at the start of
  // the line or right after any candidate. Spreadsheets quote a cell only when it begins
  // there (after the real separator), so commas inside "Nachname, Vorname" in a ';' file
  // are not counted, while a " in the middle of a hand-typed cell stays literal.
  constexpr char kCandidates[] = {';', ',', '\t'};
  std::size_t counts[] = {0, 0, 0};
  bool in_quotes = false;
  bool at_field_start = true;
  for (std::size_t i = 0; i < header_line.size(); ++i) {
    const char c = header_line[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < header_line.size() && header_line[i + 1] == '"') {
          ++i;
        } else {
          in_quotes = false;
        }
      }
      continue;
    }
    if (IsLineBreak(c)) break;  // only the header counts, so callers may pass the whole file
    bool is_candidate = false;
    for (std::size_t k = 0; k < 3; ++k) {
      if (c == kCandidates[k]) {
        ++counts[k];
        is_candidate = true;
      }
    }
    if (is_candidate) {
      at_field_start = true;
      continue;
    }
    if (c == '"' && at_field_start) in_quotes = true;
    at_field_start = false;
  }
  char best = 0;
  std::size_t best_count = 0;
  for (std::size_t k = 0; k < 3; ++k) {
    if (counts[k] > best_count) {  // strict, so ties keep the earlier candidate
      best = kCandidates[k];
      best_count = counts[k];
    }
  }
  return best;
}

// A separator of 0 means the file has a single column (what DetectSeparator returns when the
// header contains none of the candidates): no character splits a record into fields.
Result<std::vector<CsvRecord>> ParseCsv(std::string_view text, char separator) {
  if (separator == '"' || IsLineBreak(separator) || static_cast<unsigned char>(separator) >= 0x80) {
    return InvalidArgument("a CSV separator cannot be a quote, a line break or a non-ASCII byte");
  }
  const bool has_separator = separator != '\0';
  const auto is_separator = [&](char c) { return has_separator && c == separator; };

  std::vector<CsvRecord> records;
  CsvRecord record;
  std::string field;
  bool field_quoted = false;
  bool record_open = false;
  State state = State::kFieldStart;

  std::size_t line = 1;
  std::size_t line_start = 0;  // offset of the first byte of the current physical line
  std::size_t quote_line = 0;  // where the opening quote of the current quoted field is
  std::size_t quote_line_start = 0;
  std::size_t quote_offset = 0;

  const std::size_t n = text.size();
  std::size_t i = 0;

  // Treats \r\n as one break so Windows files do not count every line twice.
  const auto consume_line_break = [&] {
    if (text[i] == '\r' && i + 1 < n && text[i + 1] == '\n') ++i;
    ++i;
    ++line;
    line_start = i;
  };
  const auto end_field = [&] {
    record.fields.push_back(std::move(field));
    field.clear();  // a moved-from string is valid but unspecified
    field_quoted = false;
    state = State::kFieldStart;
  };
  const auto end_record = [&] {
    const bool blank = IsBlankLine(record, field, field_quoted);
    end_field();
    if (!blank) records.push_back(std::move(record));
    record = CsvRecord{};
    record_open = false;
  };

  while (i < n) {
    const char c = text[i];
    if (!record_open) {
      if (IsLineBreak(c)) {
        consume_line_break();
        continue;
      }
      if (line > static_cast<std::size_t>(INT_MAX)) {
        return InvalidArgument("the file has more than " + std::to_string(INT_MAX) + " lines");
      }
      record_open = true;
      record.line = static_cast<int>(line);
    }
    switch (state) {
      case State::kFieldStart:
        if (c == '"') {
          state = State::kQuoted;
          field_quoted = true;
          quote_line = line;
          quote_line_start = line_start;
          quote_offset = i;
          ++i;
          break;
        }
        // Anything else, including a quote later in the field (Anna "Ani" Müller), is
        // taken literally, as Excel does.
        state = State::kUnquoted;
        [[fallthrough]];
      case State::kUnquoted:
        if (is_separator(c)) {
          end_field();
          ++i;
        } else if (IsLineBreak(c)) {
          end_record();
          consume_line_break();
        } else {
          // Copy the whole run at once so long fields cost one append, not one per byte.
          std::size_t j = i + 1;
          while (j < n && !is_separator(text[j]) && !IsLineBreak(text[j])) ++j;
          field.append(text, i, j - i);
          i = j;
        }
        break;
      case State::kQuoted:
        if (c == '"') {
          if (i + 1 < n && text[i + 1] == '"') {
            field.push_back('"');
            i += 2;
          } else {
            state = State::kAfterQuote;
            ++i;
          }
        } else if (IsLineBreak(c)) {
          // Kept exactly as written (cells with Alt+Enter); only the line count needs care.
          const std::size_t break_start = i;
          consume_line_break();
          field.append(text, break_start, i - break_start);
        } else {
          std::size_t j = i + 1;
          while (j < n && text[j] != '"' && !IsLineBreak(text[j])) ++j;
          field.append(text, i, j - i);
          i = j;
        }
        break;
      case State::kAfterQuote:
        if (is_separator(c)) {
          end_field();
          ++i;
        } else if (IsLineBreak(c)) {
          end_record();
          consume_line_break();
        } else {
          return InvalidArgument(At(line, ColumnOf(text, line_start, i)) +
                                 ": unexpected text after the closing quote of a field; a quoted "
                                 "field must end with its quote, and a \" inside it must be "
                                 "written as \"\"");
        }
        break;
    }
  }

  if (state == State::kQuoted) {
    return InvalidArgument(At(quote_line, ColumnOf(text, quote_line_start, quote_offset)) +
                           ": the quote (\") that opens this field is never closed; a closing "
                           "\" is missing or a stray \" starts the field");
  }
  if (record_open) end_record();
  return records;
}

}  // namespace mk
