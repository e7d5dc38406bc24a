#pragma once
// roff for man(7) pages: text from a command's definition becomes page text only through here.
// roff reads a backslash as an escape and a line starting with '.' or '\'' as a request, so a
// description such as ".toml files" would vanish as an unknown request; and an unescaped '-'
// may be typeset as a hyphen, which breaks copying `--kit` from a rendered page.
#include <string>
#include <string_view>

namespace cchost::manpage {

// Escapes text for use inside a line: '\' -> \e, '-' -> \-. Not safe at the start of a line
// on its own (see text_line).
std::string escape(std::string_view text);

// One text line: escaped, and guarded with \& when it would start with '.' or '\''.
std::string text_line(std::string_view text);

// Prose that may span lines: each line as text_line, leading blanks dropped (they would
// force a break), an empty line becomes a paragraph break (.PP).
std::string paragraphs(std::string_view text);

// Lines kept as written (an example), for use between .EX and .EE.
std::string verbatim(std::string_view text);

// A macro argument: quoted, escaped, '"' as \(dq (a bare quote would end the argument).
std::string macro_arg(std::string_view text);

// Inline fonts around escaped text: \fB...\fR and \fI...\fR.
std::string bold(std::string_view text);
std::string italic(std::string_view text);

}  // namespace cchost::manpage
