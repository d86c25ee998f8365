// Layout computation.
#include "layout.h"

#include <algorithm>

namespace mk::client {

Layout ComputeLayout(float width, float height, float ui_scale) {
  Layout l;
  l.width = width;
  l.height = height;
  l.scale = std::clamp(ui_scale, 0.5f, 3.0f);
  const bool portrait = height > width;
  if (portrait) {
    l.form = width < 800 ? FormFactor::kPhonePortrait : FormFactor::kKioskPortrait;
  } else {
    l.form = width < 1600 ? FormFactor::kTabletLandscape : FormFactor::kKioskLandscape;
  }
  l.touch = 48.0f * l.scale;
  l.pad = (l.form == FormFactor::kPhonePortrait ? 10.0f : 20.0f) * l.scale;
  l.gap = 8.0f * l.scale;
  l.key_height = std::max(l.touch, (l.form == FormFactor::kPhonePortrait ? 48.0f : 60.0f) * l.scale);
  l.key_gap = 4.0f * l.scale;
  // The wide keyboard's longest row: 13 keys of 14 units (shift, 11 letters, backspace).
  const float wide_key = (width - 2 * l.pad - 12 * l.key_gap) / 14.0f;
  l.compact_keyboard = wide_key < l.touch;
  const float max_column = (l.form == FormFactor::kKioskLandscape ? 1300.0f : 1100.0f) * l.scale;
  l.content_width = std::min(width - 2 * l.pad, max_column);
  l.heading_scale = l.form == FormFactor::kPhonePortrait ? 1.35f : 1.6f;
  l.large_heading_scale = l.form == FormFactor::kPhonePortrait ? 1.6f : 1.92f;
  return l;
}

float WindowScale(float width, float height) {
  const float short_side = width < height ? width : height;
  const float factor = short_side / 900.0f;
  if (!(factor > 1.0f)) return 1.0f;
  return factor > 2.0f ? 2.0f : factor;
}

}  // namespace mk::client
