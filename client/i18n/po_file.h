// A reader for gettext .po files: the translation catalogues translators already know.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sync/common/status.h"

namespace mk::i18n {

// One message of a .po file. Plural forms are not supported (the kiosk has none).
struct PoEntry {
  std::string context;  // msgctxt, empty when absent
  std::string id;       // msgid; the empty id is the header entry
  std::string str;      // msgstr
  bool fuzzy = false;   // "#, fuzzy": a guess a translator has not confirmed; not used
  int line = 0;         // line of the msgid, for messages
};

// Parses the text of a .po file: comments, msgctxt, msgid, msgstr, strings continued over
// several lines, and the C escapes \n \t \r \" \\ \a \b \f \v and octal \NNN.
// Errors name the line and what is wrong ("line 12: msgstr without msgid").
Result<std::vector<PoEntry>> ParsePo(std::string_view text);

}  // namespace mk::i18n
