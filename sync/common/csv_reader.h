// Reads delimited text (CSV with ; , or tab) as spreadsheets export it, with line numbers for errors.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "status.h"

namespace mk {

struct CsvRecord {
  std::vector<std::string> fields;  // unquoted, "" -> ", surrounding spaces kept
  int line = 0;  // 1-based line in the file where the record starts
};

// Picks the separator of a header line: the one of ';' ',' '\t' that splits it into the most
// fields outside quotes (ties: ';' then ',' then tab). Returns 0 when none occurs.
char DetectSeparator(std::string_view header_line);

// Parses UTF-8 text into records (RFC 4180 rules with `separator`): quoted fields may contain
// separators, doubled quotes and line breaks; line ends are \n, \r\n or \r; blank lines are
// skipped; a trailing line break is not an extra record. Errors carry the line and column
// (1-based, in characters) of the problem: an unterminated quote, or text after a closing quote.
Result<std::vector<CsvRecord>> ParseCsv(std::string_view utf8, char separator);

}  // namespace mk
