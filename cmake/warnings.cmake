# Compiler warnings and sanitizers as INTERFACE targets that every project target links.
add_library(mk_warnings INTERFACE)
target_compile_options(mk_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor)
if(MK_WERROR)
  target_compile_options(mk_warnings INTERFACE -Werror)
endif()

add_library(mk_sanitizers INTERFACE)
if(MK_SANITIZE)
  target_compile_options(mk_sanitizers INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(mk_sanitizers INTERFACE -fsanitize=address,undefined)
endif()

add_library(mk_options INTERFACE)
target_link_libraries(mk_options INTERFACE mk_warnings mk_sanitizers)
