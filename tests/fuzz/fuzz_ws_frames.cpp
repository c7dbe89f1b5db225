// WebSocketFrameChecker (the frame headers MMF checks ahead of QWebSocket): any bytes, whole and in pieces
// whose sizes come from the input, give the same verdict and frame count. QWebSocket's own frame parser is
// Qt's and not fuzzed here.
#include "FuzzCheck.h"
#include "http/WebSocketFrameChecker.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>

using namespace mmf;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 1)
        return 0;
    const qsizetype piece = 1 + data[0] % 7;
    const char* bytes = reinterpret_cast<const char*>(data) + 1;
    const qsizetype length = qsizetype(size) - 1;
    WebSocketFrameChecker whole(1 << 16);
    whole.feed(bytes, length);
    WebSocketFrameChecker pieces(1 << 16);
    for (qsizetype at = 0; at < length; at += piece) {
        if (!pieces.feed(bytes + at, std::min(piece, length - at)))
            break;
    }
    MMF_FUZZ_CHECK(whole.closeCode() == pieces.closeCode());
    MMF_FUZZ_CHECK(whole.frames() == pieces.frames());
    MMF_FUZZ_CHECK(whole.closeCode() == 0 || whole.closeCode() == 1002 || whole.closeCode() == 1009);
    return 0;
}
