#ifndef SESSIONS_CCURSES_SHIM_H
#define SESSIONS_CCURSES_SHIM_H

// Wide-character curses. The feature macros must come before the include.
#define _XOPEN_SOURCE 700
#define NCURSES_WIDECHAR 1
#include <ncursesw/curses.h>
#include <term.h>

// Swift cannot import function-like or computed macros, nor read curses'
// mutable globals under strict concurrency. These wrappers let curses
// evaluate its own definitions, so no value is ever copied into Swift.

static inline WINDOW *sessions_stdscr(void) { return stdscr; }
static inline int sessions_lines(void) { return LINES; }
static inline int sessions_cols(void) { return COLS; }
static inline int sessions_colors(void) { return COLORS; }
static inline int sessions_color_pairs(void) { return COLOR_PAIRS; }

static inline attr_t sessions_a_normal(void) { return A_NORMAL; }
static inline attr_t sessions_a_bold(void) { return A_BOLD; }
static inline attr_t sessions_a_dim(void) { return A_DIM; }
static inline attr_t sessions_a_underline(void) { return A_UNDERLINE; }
static inline attr_t sessions_a_reverse(void) { return A_REVERSE; }
static inline attr_t sessions_a_italic(void) { return A_ITALIC; }
static inline attr_t sessions_a_standout(void) { return A_STANDOUT; }

static inline mmask_t sessions_mouse_all(void) { return ALL_MOUSE_EVENTS | REPORT_MOUSE_POSITION; }
static inline mmask_t sessions_button1_pressed(void) { return BUTTON1_PRESSED; }
static inline mmask_t sessions_button1_clicked(void) { return BUTTON1_CLICKED; }
static inline mmask_t sessions_button1_double_clicked(void) { return BUTTON1_DOUBLE_CLICKED; }
static inline mmask_t sessions_button1_released(void) { return BUTTON1_RELEASED; }
static inline mmask_t sessions_button4_pressed(void) { return BUTTON4_PRESSED; }
static inline mmask_t sessions_button5_pressed(void) {
#ifdef BUTTON5_PRESSED
    return BUTTON5_PRESSED;
#else
    return 0;
#endif
}

/// Draws one cell: a grapheme (as wide characters) with attributes and a colour pair.
static inline int sessions_put_cell(int y, int x, const wchar_t *text, attr_t attrs, short pair) {
    cchar_t cell;
    if (setcchar(&cell, text, attrs, pair, NULL) != OK) return ERR;
    return mvwadd_wch(stdscr, y, x, &cell);
}

/// Whether the terminal can address the cursor at all (`dumb` cannot).
static inline int sessions_can_address_cursor(void) {
    const char *cup = tigetstr("cup");
    return cup != NULL && cup != (char *)-1;
}

#endif
