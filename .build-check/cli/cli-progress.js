const BAR_WIDTH = 20;
/**
 * On a terminal, one status line rewritten in place (`[#####-----] 3/7 chunks`); elsewhere (CI logs,
 * pipes) one plain line per event, since carriage returns make a mess of a log file.
 */
export function createCliProgress(stream) {
    const live = stream.isTTY === true;
    let showing = false;
    const show = (line) => {
        if (live) {
            stream.write(`\r\x1b[2K${line}`);
            showing = true;
        }
        else {
            stream.write(`${line}\n`);
        }
    };
    return {
        step(text) {
            show(text);
        },
        chunkDone(done, total) {
            const filled = total === 0 ? BAR_WIDTH : Math.round((done / total) * BAR_WIDTH);
            const bar = live ? `[${"#".repeat(filled)}${"-".repeat(BAR_WIDTH - filled)}] ` : "";
            show(`${bar}${done}/${total} chunks reviewed`);
        },
        finish() {
            if (showing)
                stream.write("\n");
            showing = false;
        },
    };
}
