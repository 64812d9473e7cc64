export interface Comment {
  id: number;
  author: string;
  body: string;
  createdAt: string;
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function renderComments(list: HTMLElement, comments: Comment[]): void {
  list.replaceChildren();
  for (const c of comments) {
    const item = document.createElement('li');
    item.className = 'comment';
    const author = document.createElement('b');
    author.textContent = c.author;
    const time = document.createElement('time');
    time.dateTime = c.createdAt;
    time.textContent = dateFormat.format(new Date(c.createdAt));
    const body = document.createElement('p');
    body.textContent = c.body;
    item.append(author, ' ', time, body);
    list.append(item);
  }
}

export async function loadComments(postId: number, list: HTMLElement): Promise<void> {
  const res = await fetch(`/api/posts/${postId}/comments`);
  renderComments(list, (await res.json()) as Comment[]);
}
