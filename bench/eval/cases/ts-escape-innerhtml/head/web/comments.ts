export interface Comment {
  id: number;
  author: string;
  body: string;
  createdAt: string;
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return String(text).replace(/[&<>"']/g, (ch) => ENTITIES[ch]);
}

function commentHtml(c: Comment): string {
  const when = dateFormat.format(new Date(c.createdAt));
  return `<li class="comment" data-id="${Number(c.id)}">
    <b>${escapeHtml(c.author)}</b> <time datetime="${escapeHtml(c.createdAt)}">${escapeHtml(when)}</time>
    <p>${escapeHtml(c.body).replace(/\n/g, '<br>')}</p>
  </li>`;
}

// one innerHTML assignment instead of a DOM call per node: long threads render much faster
export function renderComments(list: HTMLElement, comments: Comment[]): void {
  list.innerHTML = comments.map(commentHtml).join('');
}

export async function loadComments(postId: number, list: HTMLElement): Promise<void> {
  const res = await fetch(`/api/posts/${postId}/comments`);
  renderComments(list, (await res.json()) as Comment[]);
}
