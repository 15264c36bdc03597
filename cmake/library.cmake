# The vmsim libraries: libvmsim-models (the models/ folder) and libvmsim-platform (platforms from a
# configuration, plugins, result files, and the firmware a platform may run), each built once as
# position-independent objects and linked from them into a shared and a static library.
#
#   vmsim_library(NAME [USES library...] [PUBLIC dependency...])
#       creates vmsim_NAME (static, for the tests) and vmsim_NAME_shared (for the vmsim command, plugins
#       and programs that embed vmsim), both libvmsim-NAME; installed as vmsim::NAME and vmsim::NAME_static.
#   vmsim_library_part(LIBRARY NAME SOURCES file... [LIBRARIES dependency...])
#       compiles the sources once into the object library vmsim_NAME_objects, adds them to both forms of
#       the library, and makes vmsim_NAME an alias of its static form (tests link a part by name).
#   vmsim_model_family(NAME file... [LIBRARIES dependency...]) is vmsim_library_part(models NAME ...).
#
# The objects are compiled with hidden visibility: a library exports what its public headers mark
# VMSIM_API (models/core/export.h), and the linker script cmake/exports.map keeps the instances of the
# standard library's and SystemC's templates out of its dynamic symbols.

set(VMSIM_SOVERSION ${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR})

function(vmsim_library name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "USES;PUBLIC")
  set(static vmsim_${name})
  set(shared vmsim_${name}_shared)
  add_library(${static} STATIC)
  add_library(${shared} SHARED)
  foreach(target ${static} ${shared})
    set_target_properties(${target} PROPERTIES OUTPUT_NAME vmsim-${name} LINKER_LANGUAGE CXX)
    target_include_directories(${target} PUBLIC $<BUILD_INTERFACE:${VMSIM_INCLUDE_DIR}>
                                                $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
    target_link_libraries(${target} PUBLIC ${arg_PUBLIC})
  endforeach()
  # C++17, which the headers need and SystemC requires a program and its libraries to agree on.
  target_compile_features(${static} PUBLIC cxx_std_17)
  target_compile_features(${shared} PUBLIC cxx_std_17)
  set_target_properties(${static} PROPERTIES EXPORT_NAME ${name}_static)
  # Installed, a library finds the others beside it.
  set_target_properties(${shared} PROPERTIES EXPORT_NAME ${name} VERSION ${PROJECT_VERSION} SOVERSION ${VMSIM_SOVERSION}
                                             INSTALL_RPATH "$ORIGIN")
  # The names a program uses with an installed vmsim, for the examples built here.
  add_library(vmsim::${name} ALIAS ${shared})
  add_library(vmsim::${name}_static ALIAS ${static})
  foreach(used ${arg_USES})
    target_link_libraries(${static} PUBLIC vmsim_${used})
    target_link_libraries(${shared} PUBLIC vmsim_${used}_shared)
  endforeach()
  # Every symbol resolved at link time (a part missing from the library fails here, not in a user's
  # program); calls between the library's own functions bound inside it.
  target_link_options(${shared} PRIVATE -Wl,--no-undefined -Wl,-Bsymbolic-functions
                      -Wl,--version-script=${PROJECT_SOURCE_DIR}/cmake/exports.map)
  set_property(TARGET ${shared} APPEND PROPERTY LINK_DEPENDS ${PROJECT_SOURCE_DIR}/cmake/exports.map)
endfunction()

function(vmsim_library_part library name)
  cmake_parse_arguments(PARSE_ARGV 2 arg "" "" "SOURCES;LIBRARIES")
  set(objects vmsim_${name}_objects)
  add_library(${objects} OBJECT ${arg_SOURCES})
  set_target_properties(${objects} PROPERTIES POSITION_INDEPENDENT_CODE ON CXX_VISIBILITY_PRESET hidden
                                              VISIBILITY_INLINES_HIDDEN ON)
  # The library's own calls are not interposed, so they need not go through the PLT.
  target_compile_options(${objects} PRIVATE -fno-semantic-interposition)
  # IEEE 1666-2011 declares sc_spawn() only with this defined (Accellera's SystemC always does).
  target_compile_definitions(${objects} PRIVATE SC_INCLUDE_DYNAMIC_PROCESSES)
  target_include_directories(${objects} PUBLIC ${VMSIM_INCLUDE_DIR})
  get_target_property(library_dependencies vmsim_${library} INTERFACE_LINK_LIBRARIES)
  target_link_libraries(${objects} PUBLIC ${library_dependencies} PRIVATE ${arg_LIBRARIES})
  vmsim_target_defaults(${objects})
  foreach(target vmsim_${library} vmsim_${library}_shared)
    target_sources(${target} PRIVATE $<TARGET_OBJECTS:${objects}>)
    target_link_libraries(${target} PRIVATE ${arg_LIBRARIES})
  endforeach()
  add_library(vmsim_${name} ALIAS vmsim_${library})
endfunction()

function(vmsim_model_family name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "LIBRARIES")
  vmsim_library_part(models ${name} SOURCES ${arg_UNPARSED_ARGUMENTS} LIBRARIES ${arg_LIBRARIES})
endfunction()
