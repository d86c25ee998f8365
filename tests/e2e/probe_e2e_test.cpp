// The end-to-end harness itself, on mk_window_probe: Xvfb, xdotool clicks and typing, the layout file, close.
#include <catch2/catch.hpp>

#include <string>

#include "tests/e2e/e2e_support.h"
#include "tests/support/test_support.h"

using namespace mk::e2e;

namespace {

std::string Lines(const std::string& path) {
  std::string text;
  WaitUntil([&] {
    text = mk::test::ReadFile(path);
    return true;
  }, 0);
  return text;
}

}  // namespace

TEST_CASE("a real window under Xvfb takes clicks, typed umlauts and a scanner burst", "[e2e]") {
  mk::test::TempDir dir;
  XvfbServer x(1280, 800, dir.File("xvfb.log"));
  REQUIRE(x.ok());
  const std::string out = dir.File("out.txt");
  mk::test::WriteFile(out, "");
  Child probe({mk::test::BinPath("mk_window_probe"), out, "--size", "800x600"},
              {{"DISPLAY", x.display()}, {"SDL_VIDEODRIVER", "x11"}, {"MINTKIOSK_TEST_LAYOUT", dir.File("layout.tsv")}},
              dir.File("probe.log"));
  REQUIRE(probe.started());
  WindowDriver driver(x.display(), dir.File("layout.tsv"));
  INFO(mk::test::ReadFile(dir.File("probe.log")));
  REQUIRE(driver.FindWindow("^mintkiosk probe$"));
  const auto layout = driver.WaitFor("probe", "probe.button");
  REQUIRE(layout);
  CHECK(layout->widgets.at("probe.button").w == 200);
  CHECK(layout->widgets.at("probe.button").h == 64);

  // A person taps the field, types with umlauts and presses Return (German keyboard layout).
  REQUIRE(driver.Click("probe.text"));
  REQUIRE(driver.Type("Grüße Müller-Straße ÄÖÜ"));
  REQUIRE(driver.Key("Return"));
  CHECK(WaitUntil([&] { return Lines(out) == "Grüße Müller-Straße ÄÖÜ\n"; }));

  // A barcode scanner: 1 ms between keys, Return at once after the last character.
  REQUIRE(driver.Type("MK-7Q4X-93KD", 1));
  REQUIRE(driver.Key("Return"));
  CHECK(WaitUntil([&] { return Lines(out) == "Grüße Müller-Straße ÄÖÜ\nMK-7Q4X-93KD\n"; }));

  // A tap in the field, text, then the button.
  REQUIRE(driver.Click("probe.text"));
  REQUIRE(driver.Type("Öztürk Weiß"));
  REQUIRE(driver.Click("probe.button"));
  CHECK(WaitUntil([&] { return Lines(out) == "Grüße Müller-Straße ÄÖÜ\nMK-7Q4X-93KD\nÖztürk Weiß\n"; }));

  // SIGTERM reaches the app as a terminate request (not the close button); the probe then exits.
  CHECK(probe.Stop() == 0);
  CHECK(Lines(out) == "Grüße Müller-Straße ÄÖÜ\nMK-7Q4X-93KD\nÖztürk Weiß\nterminated\n");
}
