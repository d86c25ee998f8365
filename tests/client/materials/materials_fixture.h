// Fixture of the materials tests: a store with a running session and a second one, a material library, files.
#pragma once

#include <memory>
#include <string>

#include "sync/files/material_library.h"
#include "tests/sync/store/store_fixture.h"

namespace mk::test {

struct MaterialsFixture : StoreFixture {
  MaterialsFixture();
  std::string files_dir() const { return dir.File("files"); }
  // Writes `bytes` to a file named `name` in the fixture's folder and adds it to `session`.
  store::Material Add(const std::string& session, const std::string& name, const std::string& bytes,
                      const std::string& title = "", const std::string& licence = "CC BY 4.0");
  // Sets sessions.closed_at of `session` through the store's write path.
  void CloseSession(const std::string& session);

  std::unique_ptr<sync::MaterialLibrary> library;
  std::string other_session_id;  // another course's session
};

// `n` bytes that differ from position to position (and between seeds).
std::string Pattern(size_t n, unsigned seed = 1);

}  // namespace mk::test
