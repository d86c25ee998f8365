// HTML of the LAN share: escaped, UTF-8, readable on a phone, no scripts, no outside resources.
#include "share_page.h"

#include "sync/common/utf8.h"

namespace mk::client {
namespace {

using i18n::Msg;

constexpr const char* kStyle =
    "body{font-family:system-ui,-apple-system,'DejaVu Sans',sans-serif;margin:0;padding:16px;background:#f6f7f9;"
    "color:#1d2330;line-height:1.4}"
    "h1{font-size:1.4em;margin:0 0 4px}p.sub{margin:0 0 16px;color:#555}"
    "ul{list-style:none;padding:0;margin:0}"
    "li{background:#fff;border-radius:10px;padding:14px;margin:0 0 12px;box-shadow:0 1px 3px rgba(0,0,0,.12)}"
    "h2{font-size:1.15em;margin:0 0 6px}.desc{margin:0 0 8px;white-space:pre-line}"
    "dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:0 0 10px;color:#444}"
    "dt{font-weight:600}dd{margin:0}"
    "a.dl{display:block;text-align:center;background:#1f6feb;color:#fff;text-decoration:none;border-radius:8px;"
    "padding:14px;font-weight:600;min-height:20px}"
    "footer{margin-top:20px;color:#666;font-size:.9em}";

std::string Head(const i18n::Catalogue& c, std::string_view title) {
  std::string html = "<!DOCTYPE html>\n<html lang=\"";
  html += i18n::LanguageCode(c.language());
  html += "\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>";
  html += HtmlEscape(title);
  html += "</title>\n<style>";
  html += kStyle;
  html += "</style>\n</head>\n<body>\n";
  return html;
}

}  // namespace

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(ch);
    }
  }
  return out;
}

std::string UrlEncodeSegment(std::string_view text) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                       c == '.' || c == '_' || c == '~';
    if (plain) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string FormatFileSize(int64_t bytes, i18n::Language language) {
  const char sep = language == i18n::Language::kGerman ? ',' : '.';
  if (bytes < 1000) return std::to_string(bytes) + " B";
  if (bytes < 1000 * 1000) return std::to_string((bytes + 500) / 1000) + " kB";
  const int64_t tenths = (bytes + 50000) / 100000;  // of a megabyte
  if (tenths >= 1000) return std::to_string((tenths + 5) / 10) + " MB";
  return std::to_string(tenths / 10) + sep + std::to_string(tenths % 10) + " MB";
}

std::string MaterialPath(const SharedMaterial& material) {
  return "/f/" + UrlEncodeSegment(material.id) + "/" + UrlEncodeSegment(material.file_name);
}

std::string RenderSharePage(const SharePageContent& content, const i18n::Catalogue& c) {
  const std::string heading = std::string(c.Translate(Msg("Materials for this session")));
  std::string html = Head(c, content.course_title.empty() ? heading : content.course_title);
  html += "<h1>" + HtmlEscape(content.course_title) + "</h1>\n<p class=\"sub\">" + HtmlEscape(heading);
  if (!content.room.empty()) html += " · " + HtmlEscape(content.room);
  html += "</p>\n";
  if (content.materials.empty()) {
    html += "<p>" + HtmlEscape(c.Translate(Msg("No materials are shared yet."))) + "</p>\n";
  } else {
    html += "<ul>\n";
    for (const SharedMaterial& m : content.materials) {
      html += "<li>\n<h2>" + HtmlEscape(m.title) + "</h2>\n";
      if (!m.description.empty()) html += "<p class=\"desc\">" + HtmlEscape(m.description) + "</p>\n";
      html += "<dl>";
      if (!m.licence.empty()) {
        html += "<dt>" + HtmlEscape(c.Translate(Msg("Licence"))) + "</dt><dd>" + HtmlEscape(m.licence) + "</dd>";
      }
      if (!m.purpose.empty()) {
        html += "<dt>" + HtmlEscape(c.Translate(Msg("Purpose"))) + "</dt><dd>" + HtmlEscape(m.purpose) + "</dd>";
      }
      html += "<dt>" + HtmlEscape(c.Translate(Msg("File"))) + "</dt><dd>" + HtmlEscape(m.file_name) + ", " +
              HtmlEscape(FormatFileSize(m.size_bytes, c.language())) + "</dd>";
      html += "</dl>\n<a class=\"dl\" href=\"" + HtmlEscape(MaterialPath(m)) + "\" download>" +
              HtmlEscape(c.Translate(Msg("Download"))) + "</a>\n</li>\n";
    }
    html += "</ul>\n";
  }
  html += "<footer>" + HtmlEscape(c.Translate(Msg("Shared by the kiosk in this room over the local network."))) +
          "</footer>\n</body>\n</html>\n";
  return html;
}

std::string RenderMessagePage(std::string_view message, const i18n::Catalogue& c) {
  std::string html = Head(c, "mintkiosk");
  html += "<p>" + HtmlEscape(message) + "</p>\n<p><a href=\"/\">" +
          HtmlEscape(c.Translate(Msg("Back to the materials"))) + "</a></p>\n</body>\n</html>\n";
  return html;
}

}  // namespace mk::client
