// The parts of ncursesw that Swift cannot import directly (macros and global variables), as inline functions.
#ifndef SWITCHYARD_CNCURSESW_SHIM_H
#define SWITCHYARD_CNCURSESW_SHIM_H

// SwiftPM drops the -D_XOPEN_SOURCE=600 that pkg-config carries; without these the wide-character API is missing.
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif

#include <ncursesw/curses.h>
#include <locale.h>
#include <langinfo.h>
#include <wchar.h>

static inline attr_t sy_a_normal(void) { return A_NORMAL; }
static inline attr_t sy_a_bold(void) { return A_BOLD; }
static inline attr_t sy_a_underline(void) { return A_UNDERLINE; }
static inline attr_t sy_a_reverse(void) { return A_REVERSE; }
static inline attr_t sy_a_dim(void) { return A_DIM; }
static inline attr_t sy_a_standout(void) { return A_STANDOUT; }

static inline WINDOW *sy_stdscr(void) { return stdscr; }
static inline int sy_lines(void) { return LINES; }
static inline int sy_cols(void) { return COLS; }
static inline int sy_colors(void) { return COLORS; }

static inline int sy_getmaxy(WINDOW *window) { int y, x; getmaxyx(window, y, x); (void)x; return y; }
static inline int sy_getmaxx(WINDOW *window) { int y, x; getmaxyx(window, y, x); (void)y; return x; }

// Sets attributes and colour pair in one call (`wattr_set` may be a macro).
static inline int sy_set_style(WINDOW *window, attr_t attributes, short pair) { return wattr_set(window, attributes, pair, NULL); }

#endif
