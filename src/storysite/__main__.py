from storysite.cli import main

main()
