/**
 * The composer's pending files: per file its name, size, a progress bar while it goes up, the
 * server's reason if it was refused, and a button that cancels or removes it.
 */

import { type PendingFile, formatSize, percent } from "../model/uploads";

export function FileChips({ files, onRemove }: { files: readonly PendingFile[]; onRemove: (key: number) => void }) {
  return (
    <ul class="file-chips" aria-label="Files to send">
      {files.map((file) => (
        <li key={file.key} class={`file-chip ${file.state}`}>
          <span class="file-name">{file.name}</span> <span class="muted">{formatSize(file.size)}</span>
          {file.state === "uploading" && (
            <span
              class="upload-progress"
              role="progressbar"
              aria-label={`Uploading ${file.name}`}
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={percent(file)}
            >
              <span style={{ width: `${percent(file)}%` }} />
            </span>
          )}
          {file.state === "failed" && (
            <span class="file-error" role="alert">
              {file.error}
            </span>
          )}
          <button type="button" class="link" aria-label={`${file.state === "uploading" ? "Cancel" : "Remove"} ${file.name}`} onClick={() => onRemove(file.key)}>
            ×
          </button>
        </li>
      ))}
    </ul>
  );
}
