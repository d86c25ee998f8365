// The LAN share's web page: a small, mobile-friendly HTML list of one session's materials.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "client/i18n/catalogue.h"

namespace mk::client {

struct SharedMaterial {
  std::string id;
  std::string title;
  std::string description;
  std::string licence;
  std::string purpose;
  std::string file_name;
  int64_t size_bytes = 0;
};

struct SharePageContent {
  std::string course_title;
  std::string room;
  std::vector<SharedMaterial> materials;  // only those ready to download
};

// Text with &, <, >, " and ' escaped for HTML content and attribute values.
std::string HtmlEscape(std::string_view text);
// A URL path segment: every byte but unreserved ASCII letters, digits and -._~ percent-encoded.
std::string UrlEncodeSegment(std::string_view text);
// "1,2 MB" in German, "1.2 MB" in English (1 MB = 1 000 000 bytes, as phones show it).
std::string FormatFileSize(int64_t bytes, i18n::Language language);
// Where a material is downloaded from: /f/ID/NAME.
std::string MaterialPath(const SharedMaterial& material);

// The whole page (UTF-8, <html lang="de|en">), every piece of stored text escaped. No person
// appears on it: only the course, the room and the materials.
std::string RenderSharePage(const SharePageContent& content, const i18n::Catalogue& catalogue);
// A short page with one message (404, 410, 429), in the same style.
std::string RenderMessagePage(std::string_view message, const i18n::Catalogue& catalogue);

}  // namespace mk::client
