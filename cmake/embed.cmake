# mk_embed_text(TARGET VAR FILE): compiles FILE into TARGET as `extern const std::string_view VAR`.
function(mk_embed_text target var file)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/embedded_${var}.cpp)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DIN=${file} -DOUT=${out} -DVAR=${var} -P ${PROJECT_SOURCE_DIR}/cmake/embed_file.cmake
    DEPENDS ${file} ${PROJECT_SOURCE_DIR}/cmake/embed_file.cmake
    COMMENT "Embedding ${file}")
  target_sources(${target} PRIVATE ${out})
endfunction()
