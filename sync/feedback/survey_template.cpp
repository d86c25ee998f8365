// Parsing, validation and the built-in survey templates.
#include "survey_template.h"

#include <cassert>
#include <set>

#include <nlohmann/json.hpp>

#include "sync/common/text_encoding.h"
#include "sync/common/utf8.h"

namespace mk::embedded {
extern const std::string_view SurveyEndOfSession;
extern const std::string_view SurveyFollowUp;
}  // namespace mk::embedded

namespace mk::feedback {
namespace {

using Json = nlohmann::json;

// Line and column (both from 1) of a byte offset, for JSON syntax errors.
std::string Where(std::string_view text, size_t byte) {
  size_t line = 1;
  size_t column = 1;
  for (size_t i = 0; i < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

Status OnlyKeys(const Json& object, const std::string& path, std::initializer_list<const char*> keys) {
  for (auto it = object.begin(); it != object.end(); ++it) {
    bool known = false;
    for (const char* k : keys) known = known || it.key() == k;
    if (!known) {
      std::string list;
      for (const char* k : keys) list += std::string(list.empty() ? "" : ", ") + k;
      return InvalidArgument((path.empty() ? "" : path + ": ") + "unknown field '" + it.key() + "' (allowed: " + list +
                             ")");
    }
  }
  return Status::Ok();
}

Result<const Json*> Field(const Json& object, const std::string& path, const char* key, Json::value_t type,
                          const char* type_name) {
  const std::string where = path.empty() ? std::string(key) : path + "." + key;
  auto it = object.find(key);
  if (it == object.end()) return InvalidArgument(where + " is missing");
  if (it->type() != type) return InvalidArgument(where + " must be " + type_name);
  return &*it;
}

Result<std::string> Text(const Json& value, const std::string& path, size_t max_chars) {
  if (!value.is_string()) return InvalidArgument(path + " must be a text in quotes");
  const std::string text = utf8::NormalizeSpaces(value.get<std::string>());
  if (text.empty()) return InvalidArgument(path + " is empty");
  if (std::string p = utf8::ProblemWithText(text, max_chars); !p.empty()) return InvalidArgument(path + " " + p);
  return text;
}

Result<LocalText> Local(const Json& object, const std::string& path, const char* key) {
  MK_ASSIGN_OR_RETURN(const Json* o, Field(object, path, key, Json::value_t::object, "an object with \"de\" and \"en\""));
  const std::string where = path.empty() ? std::string(key) : path + "." + key;
  MK_RETURN_IF_ERROR(OnlyKeys(*o, where, {"de", "en"}));
  LocalText out;
  for (const char* lang : {"de", "en"}) {
    auto it = o->find(lang);
    if (it == o->end()) {
      return InvalidArgument(where + "." + lang + " is missing (every text is needed in German and English)");
    }
    MK_ASSIGN_OR_RETURN(std::string text, Text(*it, where + "." + lang, kMaxTemplateTextChars));
    (std::string_view(lang) == "de" ? out.de : out.en) = std::move(text);
  }
  return out;
}

Status CheckId(const std::string& id, const std::string& path) {
  bool ok = !id.empty() && id.size() <= 32 && id[0] >= 'a' && id[0] <= 'z';
  for (char c : id) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
  if (!ok) {
    return InvalidArgument(path + " '" + id +
                           "' must start with a letter a-z and use only a-z, 0-9 and _ (at most 32 characters)");
  }
  return Status::Ok();
}

Result<SurveyTemplate> FromJson(const Json& root) {
  if (!root.is_object()) return InvalidArgument("the template must be a JSON object { ... }");
  MK_RETURN_IF_ERROR(OnlyKeys(root, "", {"format", "kind", "title", "scale", "items", "free_text"}));
  MK_ASSIGN_OR_RETURN(const Json* format, Field(root, "", "format", Json::value_t::number_unsigned, "the number 1"));
  if (format->get<uint64_t>() != 1) return InvalidArgument("format " + format->dump() + " is unknown (this version reads 1)");
  MK_ASSIGN_OR_RETURN(const Json* kind, Field(root, "", "kind", Json::value_t::string, "a text in quotes"));
  SurveyTemplate t;
  auto parsed_kind = ParseSurveyKind(kind->get<std::string>());
  if (!parsed_kind.ok()) return parsed_kind.status().WithContext("kind");
  t.kind = *parsed_kind;
  MK_ASSIGN_OR_RETURN(t.title, Local(root, "", "title"));

  MK_ASSIGN_OR_RETURN(const Json* scale, Field(root, "", "scale", Json::value_t::object, "an object with \"de\" and \"en\""));
  MK_RETURN_IF_ERROR(OnlyKeys(*scale, "scale", {"de", "en"}));
  for (const char* lang : {"de", "en"}) {
    const std::string where = std::string("scale.") + lang;
    auto it = scale->find(lang);
    if (it == scale->end()) return InvalidArgument(where + " is missing (every text is needed in German and English)");
    if (!it->is_array() || it->size() != 2) {
      return InvalidArgument(where + " must be two labels: [\"label of 1\", \"label of 5\"]");
    }
    MK_ASSIGN_OR_RETURN(std::string low, Text((*it)[0], where + "[0]", 60));
    MK_ASSIGN_OR_RETURN(std::string high, Text((*it)[1], where + "[1]", 60));
    (std::string_view(lang) == "de" ? t.scale_low.de : t.scale_low.en) = std::move(low);
    (std::string_view(lang) == "de" ? t.scale_high.de : t.scale_high.en) = std::move(high);
  }

  MK_ASSIGN_OR_RETURN(const Json* items, Field(root, "", "items", Json::value_t::array, "a list [ ... ]"));
  if (items->empty()) return InvalidArgument("items is empty: a survey needs at least one question to rate");
  if (items->size() > kMaxLikertItems) {
    return InvalidArgument("items has " + std::to_string(items->size()) + " questions; at most " +
                           std::to_string(kMaxLikertItems) + " keep the survey short enough to be answered");
  }
  std::set<std::string> ids;
  for (size_t i = 0; i < items->size(); ++i) {
    const std::string path = "items[" + std::to_string(i) + "]";
    const Json& item = (*items)[i];
    if (!item.is_object()) return InvalidArgument(path + " must be an object {\"id\": ..., \"text\": ...}");
    MK_RETURN_IF_ERROR(OnlyKeys(item, path, {"id", "text"}));
    MK_ASSIGN_OR_RETURN(const Json* id, Field(item, path, "id", Json::value_t::string, "a text in quotes"));
    LikertItem li;
    li.id = id->get<std::string>();
    MK_RETURN_IF_ERROR(CheckId(li.id, path + ".id"));
    if (!ids.insert(li.id).second) return InvalidArgument(path + ".id '" + li.id + "' is used twice");
    MK_ASSIGN_OR_RETURN(li.text, Local(item, path, "text"));
    t.items.push_back(std::move(li));
  }

  MK_ASSIGN_OR_RETURN(const Json* free, Field(root, "", "free_text", Json::value_t::object, "an object {\"id\": ..., \"text\": ...}"));
  MK_RETURN_IF_ERROR(OnlyKeys(*free, "free_text", {"id", "text"}));
  MK_ASSIGN_OR_RETURN(const Json* free_id, Field(*free, "free_text", "id", Json::value_t::string, "a text in quotes"));
  t.free_text_id = free_id->get<std::string>();
  MK_RETURN_IF_ERROR(CheckId(t.free_text_id, "free_text.id"));
  if (ids.count(t.free_text_id) > 0) {
    return InvalidArgument("free_text.id '" + t.free_text_id + "' is already the id of one of the items");
  }
  MK_ASSIGN_OR_RETURN(t.free_text, Local(*free, "free_text", "text"));
  return t;
}

Json LocalJson(const LocalText& t) { return Json{{"de", t.de}, {"en", t.en}}; }

}  // namespace

std::string_view ToCode(SurveyKind kind) {
  return kind == SurveyKind::kFollowUp ? "follow_up" : "end_of_session";
}

Result<SurveyKind> ParseSurveyKind(std::string_view code) {
  if (code == "end_of_session") return SurveyKind::kEndOfSession;
  if (code == "follow_up") return SurveyKind::kFollowUp;
  return InvalidArgument("'" + std::string(code) + "' is not a survey kind (end_of_session or follow_up)");
}

Result<SurveyTemplate> ParseSurveyTemplate(std::string_view json) {
  if (json.size() > kMaxTemplateBytes) {
    return InvalidArgument("the template has " + std::to_string(json.size()) + " bytes; at most " +
                           std::to_string(kMaxTemplateBytes) + " are accepted");
  }
  if (!IsValidUtf8(json)) return InvalidArgument("the template is not UTF-8 text (save it as UTF-8)");
  Json root;
  try {
    root = Json::parse(json.begin(), json.end());
  } catch (const Json::parse_error& e) {
    std::string what = e.what();
    // nlohmann's text: "[json.exception.parse_error.101] parse error at line 3, column 7: ..."
    const size_t colon = what.find(": ", what.find("parse error"));
    const std::string reason = colon == std::string::npos ? what : what.substr(colon + 2);
    return InvalidArgument(Where(json, e.byte == 0 ? 0 : e.byte - 1) + ": not valid JSON (" + reason + ")");
  } catch (const Json::out_of_range&) {
    // A number beyond what a double holds ("6e333"): nlohmann reports it without a position.
    return InvalidArgument("the template is not valid JSON: it holds a number too large to read");
  }
  return FromJson(root);
}

std::string SurveyTemplateJson(const SurveyTemplate& t) {
  Json items = Json::array();
  for (const LikertItem& item : t.items) {
    Json o = Json::object();
    o["id"] = item.id;
    o["text"] = LocalJson(item.text);
    items.push_back(std::move(o));
  }
  Json root = Json::object();
  root["format"] = 1;
  root["kind"] = std::string(ToCode(t.kind));
  root["title"] = LocalJson(t.title);
  root["scale"] = Json{{"de", Json::array({t.scale_low.de, t.scale_high.de})},
                       {"en", Json::array({t.scale_low.en, t.scale_high.en})}};
  root["items"] = std::move(items);
  root["free_text"] = Json{{"id", t.free_text_id}, {"text", LocalJson(t.free_text)}};
  return root.dump(2) + "\n";
}

const SurveyTemplate& DefaultSurveyTemplate(SurveyKind kind) {
  static const SurveyTemplate kEnd = [] {
    auto t = ParseSurveyTemplate(embedded::SurveyEndOfSession);
    assert(t.ok() && "assets/surveys/end_of_session.json must be a valid template");
    return t.ok() ? *t : SurveyTemplate{};
  }();
  static const SurveyTemplate kFollow = [] {
    auto t = ParseSurveyTemplate(embedded::SurveyFollowUp);
    assert(t.ok() && "assets/surveys/follow_up.json must be a valid template");
    return t.ok() ? *t : SurveyTemplate{};
  }();
  return kind == SurveyKind::kFollowUp ? kFollow : kEnd;
}

}  // namespace mk::feedback
