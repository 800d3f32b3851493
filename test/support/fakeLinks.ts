import { ProvisionError, type ChannelQuery, type LinkInfo, type LinkRequest, type LinkTarget, type Links, type UnlinkRequest } from "../../src/provisioning/links";

/** A Links that records what it was asked and refuses it all (scenes that do not link rooms). */
export class FakeLinks implements Links {
  readonly asked: (
    | { readonly op: "link"; readonly request: LinkRequest }
    | { readonly op: "plumb"; readonly target: LinkTarget; readonly by: string }
    | { readonly op: "unlink"; readonly request: UnlinkRequest }
  )[] = [];

  link(request: LinkRequest): Promise<LinkInfo> {
    this.asked.push({ op: "link", request });
    return Promise.reject(new ProvisionError(403, "M_FORBIDDEN", "this scene links nothing"));
  }

  plumb(target: LinkTarget, by: string): Promise<LinkInfo> {
    this.asked.push({ op: "plumb", target, by });
    return Promise.reject(new ProvisionError(403, "M_FORBIDDEN", "this scene links nothing"));
  }

  unlink(request: UnlinkRequest): Promise<void> {
    this.asked.push({ op: "unlink", request });
    return Promise.reject(new ProvisionError(403, "M_FORBIDDEN", "this scene links nothing"));
  }

  linksOf(): readonly LinkInfo[] {
    return [];
  }

  queryChannel(): Promise<ChannelQuery> {
    return Promise.resolve({ operators: [] });
  }
}
