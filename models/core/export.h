// What the vmsim libraries export. They are built with hidden visibility, so that a program or a
// plugin linking them sees only vmsim's public API: the classes and functions of the installed
// headers, each marked VMSIM_API. Everything else (a model's helpers in its source, the templates
// of the standard library and SystemC that the models instantiate) stays inside the library.
#pragma once

#define VMSIM_API __attribute__((visibility("default")))
