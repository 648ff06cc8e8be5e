# Writes OUTPUT, a C++ fragment holding the standard library's gd sources, so
# that gdc needs no files at run time. Invoked by lang/CMakeLists.txt.
set(content "// Generated from lang/std/*.gd by lang/EmbedStd.cmake. Do not edit.\n")
foreach(name ${MODULES})
  file(READ "${SOURCE_DIR}/std/${name}.gd" text)
  string(APPEND content "{\"std.${name}\", \"std/${name}.gd\", R\"gdstd(${text})gdstd\"},\n")
endforeach()
file(WRITE "${OUTPUT}.tmp" "${content}")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUTPUT}.tmp" "${OUTPUT}")
