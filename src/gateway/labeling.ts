/**
 * GB 45438 labels on the gateway's answers: an explicit text label (as configured) and an implicit
 * label (the AIGC JSON) for chat, and both labels on generated images before they reach the client.
 */
import { readFileSync } from 'node:fs';
import { HeguiError } from '../engine/errors.js';
import { labelImageBuffer, labelText, loadSigningKey, parseProviderCode } from '../label/index.js';
import { addTextLabel, chatLabelDeltas, type TextLabelOptions } from '../label/text.js';
import type { LabelingConfig } from './config.js';

type SigningKey = ReturnType<typeof loadSigningKey>;

export class Labeler {
  private readonly key: SigningKey | undefined;
  private readonly explicit: TextLabelOptions | false;

  constructor(readonly config: LabelingConfig) {
    if (config.producer !== null) parseProviderCode(config.producer);
    this.key = config.signKey ? loadSigningKey(readKey(config.signKey), config.signKey) : undefined;
    this.explicit = config.text === 'none' ? false : { position: config.text };
  }

  /** First/last deltas of a streamed answer (the explicit label), or nothing when text labels are off. */
  get deltas(): { first?: string; last?: string } {
    return this.explicit === false ? {} : chatLabelDeltas(this.explicit);
  }

  /** A whole answer with its explicit label, and the implicit label JSON (null without a producer code). */
  text(content: string): { text: string; implicit: string | null } {
    if (this.config.producer === null) {
      return {
        text: this.explicit === false ? content : addTextLabel(content, this.explicit),
        implicit: null,
      };
    }
    const labelled = labelText(content, {
      producer: this.config.producer,
      explicit: this.explicit,
      ...(this.key ? { signKey: this.key } : {}),
    });
    return { text: labelled.text, implicit: labelled.header };
  }

  /** The implicit label for text already sent (a streamed answer), or null without a producer code. */
  implicitFor(sent: string): string | null {
    if (this.config.producer === null) return null;
    return labelText(sent, {
      producer: this.config.producer,
      explicit: false,
      ...(this.key ? { signKey: this.key } : {}),
    }).header;
  }

  /** Labels a generated image (metadata, and the visible stamp unless turned off). */
  async image(bytes: Uint8Array): Promise<{ bytes: Buffer; label: string }> {
    if (this.config.producer === null) {
      throw new HeguiError(
        'config_invalid',
        'generated images must carry an implicit label: set labeling.producer (HEGUI_PRODUCER_CODE)',
        'labeling.producer',
      );
    }
    const labelled = await labelImageBuffer(bytes, {
      producer: this.config.producer,
      visible: this.config.imageVisible,
      ...(this.key ? { signKey: this.key } : {}),
    });
    return { bytes: labelled.bytes, label: labelled.json };
  }
}

function readKey(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new HeguiError('config_invalid', (err as Error).message, path, { cause: err });
  }
}
