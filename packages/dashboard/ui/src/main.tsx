// Entry point of the dashboard UI.
import { render } from 'preact';
import { App } from './app.js';
import { takeTokenFromFragment } from './token.js';
import './style.css';

takeTokenFromFragment();
const root = document.getElementById('root');
if (root !== null) render(<App />, root);
