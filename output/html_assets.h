// The HTML report's inline style sheet and script (kept apart from the page builder so each
// reads on its own). The script reads the JSON in <script id="portauth-data"> (see
// html_writer.cpp for its shape) and draws the grids, the heat map and the tooltips.
#pragma once

namespace portauth::output {

extern const char* const kHtmlStyle;
extern const char* const kHtmlScript;

}  // namespace portauth::output
