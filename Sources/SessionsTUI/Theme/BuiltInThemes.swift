// The built-in themes, embedded so the binary works wherever it is installed.
// themes/*.theme are the source of truth: edit a file there, then paste its
// exact text here. ThemeTests fails when the two differ by a single byte.

enum BuiltInThemes {
    static func text(named name: String) -> String? {
        switch name {
        case "default": return defaultTheme
        case "light": return light
        case "high-contrast": return highContrast
        case "mono": return mono
        default: return nil
        }
    }

    static let defaultTheme = #"""
# default: for a dark terminal background.
# The 256-colour numbers are picked so that a terminal with only 8 colours,
# which shows each at its nearest basic colour, still gets the intended hue.
# The format is described in themes/README.md. Roles left out take normal's style.

# role              fg      bg      attributes
# Text on the page. Panes and dialogs mix these roles in one line, so they keep
# normal's background.
normal            = default default
dim               = 245     default
label             = 74      default
border            = 67      default
dialog            = 255     default

# Top bar with its section tabs, bottom line with its keys.
header            = 252     236
brand             = 81      236     bold
tab               = 245     236
tabSelected       = black   110     bold
footer            = 250     236
footerKey         = 81      236     bold

# The cursor row in the focused pane, and in a pane without focus.
selection         = black   75      bold
selectionInactive = black   245

# Status and result: blue for running, green for done, red for failure,
# yellow for warnings, magenta for waiting.
statusActive      = 39      default bold
statusComplete    = 77      default
statusFailed      = 203     default bold
resultOK          = 77      default
resultError       = 203     default bold
resultWarning     = 220     default
resultPending     = 170     default

# Timeline bars are drawn with block characters, so they take the foreground.
bar               = 67      default
barSlow           = 209     default

# Made-visible control characters, search matches, messages in the bottom line.
escape            = black   170
match             = black   220
flash             = black   77      bold
flashError        = 231     160     bold

"""#

    static let light = #"""
# light: for a light terminal background.
# The 256-colour numbers are picked so that a terminal with only 8 colours,
# which shows each at its nearest basic colour, still gets the intended hue.
# The format is described in themes/README.md. Roles left out take normal's style.

# role              fg      bg      attributes
# Text on the page. Panes and dialogs mix these roles in one line, so they keep
# normal's background.
normal            = default default
dim               = 242     default
label             = 18      default
border            = 238     default
dialog            = default default

# Top bar with its section tabs, bottom line with its keys.
header            = 231     26
brand             = 220     26      bold
tab               = 153     26
tabSelected       = black   231     bold
footer            = 238     252
footerKey         = 26      252     bold

# The cursor row in the focused pane, and in a pane without focus.
selection         = black   81      bold
selectionInactive = black   252     underline

# Status and result: blue for running, green for done, red for failure,
# yellow for warnings, magenta for waiting.
statusActive      = 26      default bold
statusComplete    = 28      default
statusFailed      = 160     default bold
resultOK          = 28      default
resultError       = 160     default bold
resultWarning     = 136     default bold
resultPending     = 96      default

# Timeline bars are drawn with block characters, so they take the foreground.
bar               = 26      default
barSlow           = 166     default

# Made-visible control characters, search matches, messages in the bottom line.
escape            = 231     127
match             = black   220
flash             = 231     28      bold
flashError        = 231     160     bold

"""#

    static let highContrast = #"""
# high-contrast: pure white on pure black, bold saturated colours, no dimmed text.
# It paints its own black background rather than trusting the terminal's, and
# uses 16 and 231 (the colour cube's exact black and white) because terminals
# rarely redefine them, unlike the 16 basic colours.
# The format is described in themes/README.md. Roles left out take normal's style.

# role              fg      bg      attributes
# Text on the page. Panes and dialogs mix these roles in one line, so they keep
# normal's background.
normal            = 231     16
dim               = 252     16
label             = 231     16      bold
border            = 231     16      bold
dialog            = 231     16

# Top bar with its section tabs, bottom line with its keys.
header            = 16      231     bold
brand             = 21      231     bold
tab               = 16      231
tabSelected       = 231     16      bold underline
footer            = 16      231
footerKey         = 21      231     bold

# The cursor row in the focused pane, and in a pane without focus.
selection         = 16      51      bold
selectionInactive = 16      250

# Status and result: cyan for running, green for done, red for failure,
# yellow for warnings, magenta for waiting.
statusActive      = 51      16      bold
statusComplete    = 46      16      bold
statusFailed      = 196     16      bold
resultOK          = 46      16      bold
resultError       = 196     16      bold
resultWarning     = 226     16      bold
resultPending     = 201     16      bold

# Timeline bars are drawn with block characters, so they take the foreground.
bar               = 51      16
barSlow           = 226     16

# Made-visible control characters, search matches, messages in the bottom line.
escape            = 16      201     bold
match             = 16      226     bold
flash             = 16      46      bold
flashError        = 231     124     bold

"""#

    static let mono = #"""
# mono: attributes only, for terminals without colour and for NO_COLOR.
# Every theme falls back to this one when no colour can be shown, so each
# role here must stay recognisable by weight, underline and reverse alone.
# The format is described in themes/README.md. Roles left out take normal's style.

# role              fg      bg      attributes
# Text on the page. Panes and dialogs mix these roles in one line, so they keep
# normal's background.
normal            = default default
dim               = default default dim
label             = default default bold
border            = default default bold
dialog            = default default

# Top bar with its section tabs, bottom line with its keys.
header            = default default reverse
brand             = default default reverse bold
tab               = default default reverse
tabSelected       = default default bold underline
footer            = default default reverse
footerKey         = default default reverse bold

# The cursor row in the focused pane, and in a pane without focus.
selection         = default default reverse
selectionInactive = default default underline

# Status and result: glyph and word carry the meaning; attributes rank it.
statusActive      = default default bold
statusComplete    = default default
statusFailed      = default default bold underline
resultOK          = default default
resultError       = default default bold underline
resultWarning     = default default underline
resultPending     = default default dim

# Timeline bars are drawn with block characters, so they need no attribute.
bar               = default default
barSlow           = default default bold

# Made-visible control characters, search matches, messages in the bottom line.
escape            = default default reverse
match             = default default bold underline
flash             = default default bold
flashError        = default default bold underline

"""#
}
