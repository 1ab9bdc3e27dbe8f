// Entry point: the shell element; everything else loads from it.
import './app/sw-app.js';
